# SPDX-License-Identifier: MIT
"""The context, errors and text buffers shared by the modules of the package."""
import re
import threading

from brink._native import ffi, lib

__all__ = ["Error", "OutOfMemoryError", "Context"]

_LOCATION = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): ")


class Error(Exception):
    """A failure reported by the library: .status ("BRINK_EPARSE"), .message, and where
    the library named one, .file, .line and .col (1-based) of the problem."""

    def __init__(self, status, message, file=None, line=None, col=None):
        super().__init__(message)
        self.status = status
        self.message = message
        m = _LOCATION.match(message) if file is None else None
        if m:
            file, line, col = m.group("file"), int(m.group("line")), int(m.group("col"))
        self.file, self.line, self.col = file, line, col

    @property
    def location(self):
        """"file:line:col", or None when the message names no place."""
        if self.file is None:
            return None
        return "%s:%d:%d" % (self.file, self.line, self.col)


class OutOfMemoryError(Error, MemoryError):
    """The library could not allocate (BRINK_ENOMEM)."""


# Test hook: every context created while this is non-zero fails its n-th allocation (the
# library's allocation funnel, brink_ctx_fail_after). See tests/test_errors.py.
_fail_after = 0


def _set_fail_after(n):
    global _fail_after
    _fail_after = int(n)


def _string(p):
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else None


class Context:
    """One brink_ctx: the allocator and the last error. Library objects made through it are
    held by Owned handles; the context is freed only after all of them, whatever order the
    garbage collector finalises things in (a cycle runs every __del__ before clearing any)."""

    def __init__(self):
        out = ffi.new("brink_ctx **")
        st = lib.brink_ctx_new(out)
        if st != lib.BRINK_OK:
            raise OutOfMemoryError("BRINK_ENOMEM", "cannot create a context")
        self.ptr = out[0]
        self._children = 0
        self._dead = False
        if _fail_after:
            lib.brink_ctx_fail_after(self.ptr, _fail_after)

    def own(self, ptr, free):
        """An Owned handle that calls free(ptr) before the context goes."""
        return Owned(self, ptr, free)

    # Held here: at interpreter exit module globals may be gone before the last __del__ runs.
    _ctx_free = lib.brink_ctx_free

    def _maybe_free(self):
        if self._dead and self._children == 0 and self.ptr is not None:
            self._ctx_free(self.ptr)
            self.ptr = None

    def __del__(self):
        self._dead = True
        self._maybe_free()

    def error(self, status, file=None, line=None, col=None):
        """The exception for status, with the context's message."""
        name = _string(lib.brink_status_name(status))
        message = _string(lib.brink_ctx_errmsg(self.ptr)) or _string(lib.brink_status_str(status))
        cls = OutOfMemoryError if status == lib.BRINK_ENOMEM else Error
        return cls(name, message, file, line, col)

    def check(self, status):
        if status != lib.BRINK_OK:
            raise self.error(status)

    def text(self, fill):
        """Calls fill(buf) with a fresh brink_buf and returns its content as str."""
        buf = ffi.new("brink_buf *")
        lib.brink_buf_init(buf, self.ptr, 0)
        try:
            self.check(fill(buf))
            return ffi.unpack(buf.data, buf.len).decode("utf-8")
        finally:
            lib.brink_buf_release(buf)


class Owned:
    """A library object and its free function, tied to the context it was made in."""

    def __init__(self, ctx, ptr, free):
        self.ctx, self.ptr, self._free = ctx, ptr, free
        ctx._children += 1

    def close(self):
        if self.ptr is not None:
            self._free(self.ptr)
            self.ptr = None
            self.ctx._children -= 1
            self.ctx._maybe_free()

    def __del__(self):
        self.close()


def load_error(ctx, status, diags):
    """The exception for a loader's failure: located at the first diagnostic (when it names a
    file), with every diagnostic as "file:line:col: message" in .diagnostics."""
    where = {}
    if diags.n:
        d = diags.items[0]
        where = dict(file=_string(d.file) or None, line=d.line, col=d.col)
        if not where["file"]:
            where = {}
    err = ctx.error(status, **where)
    err.diagnostics = [
        "%s:%d:%d: %s" % (_string(diags.items[i].file), diags.items[i].line,
                          diags.items[i].col, _string(diags.items[i].message))
        for i in range(diags.n)]
    return err


def interruptible(call, cancel):
    """Runs call() (a library call that releases the GIL) in a helper thread, so that Ctrl-C
    reaches the main thread while it runs: then *cancel is set, the library stops after its
    current batch (BRINK_ECANCELED) and KeyboardInterrupt is raised here. Returns call()."""
    if threading.current_thread() is not threading.main_thread():
        return call()  # signals reach only the main thread; nothing to forward
    box = {}

    def work():
        try:
            box["value"] = call()
        except BaseException as e:  # handed to the caller below
            box["error"] = e

    worker = threading.Thread(target=work, name="brink-run", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
    except KeyboardInterrupt:
        cancel[0] = 1
        worker.join()
        raise
    if "error" in box:
        raise box["error"]
    return box["value"]
