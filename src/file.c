/* SPDX-License-Identifier: MIT */
/* Output files written atomically (unique temporary, fsync, rename) without ever replacing a
 * device, a FIFO or a symbolic link. The one writer behind every file brink produces. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brink/file.h"
#include "internal.h"

struct brink_file {
  FILE *stream;
  char *target; /* what the temporary is renamed to (a symlink's resolved target) */
  char *temp;   /* NULL when writing in place */
  char *shown;  /* the path as the caller gave it, for messages */
};

static void file_free(brink_ctx *ctx, brink_file *f) {
  if (!f) return;
  if (f->stream) fclose(f->stream);
  if (f->temp) unlink(f->temp);
  brink_free(ctx, f->target);
  brink_free(ctx, f->temp);
  brink_free(ctx, f->shown);
  brink_free(ctx, f);
}

/* 0666 less the umask, as open(2) would give a new file. umask can only be read by setting
 * it; the two calls are back to back. */
static mode_t new_file_mode(void) {
  mode_t mask = umask(022);
  umask(mask);
  return (mode_t)(0666 & ~mask);
}

/* The descriptor (1 or 2) when sb is the file standard output or standard error already
 * writes to (/dev/stdout after "> file"), else -1. Replacing that file would lose what goes to
 * the stream, so the descriptor is duplicated and shares its offset instead. */
static int std_stream_fd(const struct stat *sb) {
  for (int fd = 1; fd <= 2; fd++) {
    struct stat o;
    if (fstat(fd, &o) == 0 && o.st_dev == sb->st_dev && o.st_ino == sb->st_ino) return fd;
  }
  return -1;
}

static brink_status open_temp(brink_ctx *ctx, brink_file *f, const struct stat *existing) {
  brink_buf name;
  brink_buf_init(&name, ctx, (size_t)PATH_MAX + 32);
  brink_status st = brink_buf_printf(&name, "%s.tmp.XXXXXX", f->target);
  int fd = -1;
  if (st) goto done;
  fd = mkstemp(name.data);
  if (fd < 0) {
    st = brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", f->shown, strerror(errno));
    goto done;
  }
  st = brink_buf_detach(&name, &f->temp);
  if (st) {
    unlink(name.data);
    goto done;
  }
  /* mkstemp makes 0600; give the file the mode it replaces or a new file's. */
  if (fchmod(fd, existing ? (mode_t)(existing->st_mode & 07777) : new_file_mode()) != 0) {
    st = brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", f->shown, strerror(errno));
    goto done;
  }
  f->stream = fdopen(fd, "wb");
  if (!f->stream) {
    st = brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", f->shown, strerror(errno));
    goto done;
  }
  fd = -1;
done:
  if (fd >= 0) close(fd);
  brink_buf_release(&name);
  return st;
}

static brink_status open_in_place(brink_ctx *ctx, brink_file *f, int std_fd) {
  int fd = std_fd >= 0 ? dup(std_fd) : open(f->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", f->shown, strerror(errno));
  f->stream = fdopen(fd, "wb");
  if (!f->stream) {
    close(fd);
    return brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", f->shown, strerror(errno));
  }
  return BRINK_OK;
}

brink_status brink_file_open(brink_ctx *ctx, const char *path, brink_file **out) {
  brink_status st = BRINK_OK;
  brink_file *f = NULL;
  char *resolved = NULL;
  struct stat sb;
  int std_fd = -1;
  *out = NULL;
  if (!path || !path[0]) return brink__fail(ctx, BRINK_EINVAL, "cannot write '': empty path");
  f = brink_calloc(ctx, 1, sizeof *f);
  if (!f) return BRINK_ENOMEM;
  f->shown = brink_strdup(ctx, path);
  if (!f->shown) {
    st = BRINK_ENOMEM;
    goto done;
  }
  const char *target = path;
  int exists = lstat(path, &sb) == 0;
  if (!exists && errno != ENOENT) {
    st = brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", path, strerror(errno));
    goto done;
  }
  if (exists && S_ISLNK(sb.st_mode)) {
    /* Keep the link: write what it points to (in place for a device or a pipe, such as
     * /dev/stdout), or replace the regular file it names. */
    if (stat(path, &sb) != 0) {
      st = errno == ENOENT
               ? brink__fail(ctx, BRINK_EINVAL,
                             "cannot write '%s': a symbolic link to a missing file "
                             "(refused: create the target first)",
                             path)
               : brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", path, strerror(errno));
      goto done;
    }
    std_fd = S_ISREG(sb.st_mode) ? std_stream_fd(&sb) : -1;
    if (S_ISREG(sb.st_mode) && std_fd < 0) {
      resolved = realpath(path, NULL);
      if (resolved)
        target = resolved;
      else
        sb.st_mode = S_IFCHR; /* a regular file without a name (/proc/self/fd/N): in place */
    } else if (S_ISREG(sb.st_mode)) {
      sb.st_mode = S_IFCHR; /* /dev/stdout redirected to a file: through the descriptor */
    }
  }
  f->target = brink_strdup(ctx, target);
  if (!f->target) {
    st = BRINK_ENOMEM;
    goto done;
  }
  if (!exists || S_ISREG(sb.st_mode))
    st = open_temp(ctx, f, exists ? &sb : NULL);
  else if (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode))
    st = open_in_place(ctx, f, std_fd);
  else
    st = brink__fail(ctx, BRINK_EINVAL, "cannot write '%s': %s (refused)", path,
                     S_ISDIR(sb.st_mode)    ? "is a directory"
                     : S_ISBLK(sb.st_mode)  ? "is a block device"
                     : S_ISSOCK(sb.st_mode) ? "is a socket"
                                            : "not a regular file");
done:
  free(resolved); /* from realpath: the C library's allocation */
  if (st) {
    file_free(ctx, f);
    return st;
  }
  *out = f;
  return BRINK_OK;
}

FILE *brink_file_stream(brink_file *f) { return f->stream; }
const char *brink_file_temp_path(const brink_file *f) { return f->temp; }

/* Makes the rename itself durable; failure to sync a directory is not worth failing for. */
static void sync_dir(const char *target) {
  const char *slash = strrchr(target, '/');
  char dir[PATH_MAX];
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == target)
    snprintf(dir, sizeof dir, "/");
  else if ((size_t)(slash - target) < sizeof dir)
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - target), target);
  else
    return;
  int fd = open(dir, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

brink_status brink_file_commit(brink_ctx *ctx, brink_file *f) {
  brink_status st = BRINK_OK;
  int failed = ferror(f->stream) != 0, err = 0;
  if (fflush(f->stream) != 0) failed = 1, err = errno;
  if (!failed && f->temp && fsync(fileno(f->stream)) != 0) failed = 1, err = errno;
  int rc = fclose(f->stream);
  f->stream = NULL;
  if (!failed && rc != 0) failed = 1, err = errno;
  if (failed) {
    st = brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", f->shown,
                     err ? strerror(err) : "write error");
    goto done;
  }
  if (f->temp) {
    if (rename(f->temp, f->target) != 0) {
      st = brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", f->shown, strerror(errno));
      goto done;
    }
    brink_free(ctx, f->temp);
    f->temp = NULL; /* renamed: nothing to remove */
    sync_dir(f->target);
  }
done:
  file_free(ctx, f);
  return st;
}

void brink_file_abort(brink_ctx *ctx, brink_file *f) { file_free(ctx, f); }

brink_status brink_file_write(brink_ctx *ctx, const char *path, const void *data, size_t len) {
  brink_file *f = NULL;
  brink_status st = brink_file_open(ctx, path, &f);
  if (st) return st;
  if (len && fwrite(data, 1, len, f->stream) != len)
    st = brink__fail(ctx, BRINK_EIO, "cannot write '%s': %s", path, strerror(errno));
  if (st) {
    brink_file_abort(ctx, f);
    return st;
  }
  return brink_file_commit(ctx, f);
}
