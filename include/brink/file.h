/* SPDX-License-Identifier: MIT */
/* Output files: the one way brink writes a file. A regular file (or a path that does not exist
 * yet) is written to a unique temporary in the same directory (mkstemp), flushed to disk
 * (fsync) and renamed over the target, so readers see the old file or the whole new one and
 * two writers of one path never share a temporary. A character device or FIFO (/dev/null, a
 * pipe) is written in place, never replaced; a symbolic link is followed and its target
 * replaced, the link kept; directories, block devices, sockets and dangling links are refused
 * with a message. */
#ifndef BRINK_FILE_H
#define BRINK_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "brink/brink.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct brink_file brink_file;

/* Opens path for writing as described above. *out: new object, finish it with
 * brink_file_commit or brink_file_abort (each frees it). BRINK_EIO with the OS's reason,
 * BRINK_EINVAL for a target that is refused (directory, block device, socket, dangling
 * link). Not thread safe for one brink_file; different files may be written in parallel. */
BRINK_API brink_status brink_file_open(brink_ctx *ctx, const char *path, brink_file **out);

/* The stream to write to; owned by f, valid until commit or abort. */
BRINK_API FILE *brink_file_stream(brink_file *f);

/* The temporary's path while f is open, or NULL when writing in place (device, FIFO).
 * Owned by f. Meant for a signal handler that removes temporaries (the CLI's). */
BRINK_API const char *brink_file_temp_path(const brink_file *f);

/* Flushes, fsyncs and renames the temporary over the target (or just flushes in place).
 * Frees f whatever happens; on failure the temporary is removed and the target untouched.
 * BRINK_EIO with the reason (a write error seen earlier on the stream counts: disk full). */
BRINK_API brink_status brink_file_commit(brink_ctx *ctx, brink_file *f);

/* Gives up: closes the stream, removes the temporary, frees f. Accepts NULL. */
BRINK_API void brink_file_abort(brink_ctx *ctx, brink_file *f);

/* Writes data[0..len) to path in one call: open, write, commit. */
BRINK_API brink_status brink_file_write(brink_ctx *ctx, const char *path, const void *data,
                                        size_t len);

#ifdef __cplusplus
}
#endif

#endif
