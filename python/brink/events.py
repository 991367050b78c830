# SPDX-License-Identifier: MIT
"""Event data in an SQLite store: brink.events.Store(path).import_files(...), .index(...),
.query(...), as `brink events import|index|query` (docs/events.md)."""
import os

from brink import _core
from brink._native import ffi, lib

_PERIODS = {"day": 0, "week": 1, "month": 2}
_DEDUPE = {"none": 0, "daily": 1, "source": 2}
_EVENT_FIELDS = ("source", "id", "date", "added", "actor1_code", "actor1_country", "actor1_type",
                 "actor2_code", "actor2_country", "actor2_type", "code", "goldstein", "quadclass",
                 "file_weight", "is_root", "num_mentions", "num_sources", "num_articles",
                 "avg_tone", "source_url")
_STRINGS = {"actor1_code", "actor1_country", "actor1_type", "actor2_code", "actor2_country",
            "actor2_type", "code", "source_url"}


def _day(value):
    """YYYYMMDD from "YYYY-MM-DD", a date, or None (0: open)."""
    if value is None:
        return 0
    if hasattr(value, "strftime"):
        return int(value.strftime("%Y%m%d"))
    text = str(value).replace("-", "")
    if len(text) != 8 or not text.isdigit():
        raise ValueError("expected a day YYYY-MM-DD, got %r" % (value,))
    return int(text)


def _iso(day):
    return "%04d-%02d-%02d" % (day // 10000, day // 100 % 100, day % 100)


@ffi.def_extern()
def brink_py_on_event(userdata, event):
    sink = ffi.from_handle(userdata)
    row = {}
    for f in _EVENT_FIELDS:
        v = getattr(event, f)
        row[f] = ffi.string(v).decode("utf-8", "replace") if f in _STRINGS else v
    row["date"] = _iso(row["date"])
    sink.append(row)
    return 0


class Store:
    """An event store (SQLite file). create=True makes the file when it is missing."""

    def __init__(self, path, create=True):
        self._ctx = _core.Context()
        self.path = os.fspath(path)
        out = ffi.new("brink_event_store **")
        flags = lib.BRINK_EVENT_STORE_CREATE if create else 0
        self._ctx.check(lib.brink_event_store_new(self._ctx.ptr, self.path.encode(), flags, out))
        self._ptr = out[0]
        self._owner = self._ctx.own(out[0], lib.brink_event_store_free)

    def close(self):
        """Closes the database (also done when the store is collected)."""
        self._owner.close()
        self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def import_files(self, paths, format="auto", strict=False, csv_columns=None):
        """Imports event files (GDELT 1/2, ICEWS, CSV; plain or .zip) in one transaction per
        file; a row already stored is not added again. Returns a pandas frame, one row per
        file: rows, added, duplicates, bad."""
        import pandas as pd

        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        ctx = self._ctx
        fmt = ffi.new("brink_event_format *")
        ctx.check(lib.brink_event_format_parse(ctx.ptr, format.encode(), fmt))
        cols = ffi.new("char[]", csv_columns.encode()) if csv_columns else ffi.NULL
        rows = []
        for path in paths:
            path = os.fspath(path)
            opts = ffi.new("brink_event_read_opts *")
            opts.format = fmt[0]
            opts.strict = 1 if strict else 0
            opts.csv_columns = cols
            reader = ffi.new("brink_event_reader **")
            ctx.check(lib.brink_event_reader_new(ctx.ptr, path.encode(), opts, reader))
            cancel = ffi.new("int *", 0)
            lib.brink_event_store_set_cancel(self._ptr, cancel)
            try:
                stats = ffi.new("brink_event_import_stats *")
                where = path.encode()
                ctx.check(_core.interruptible(
                    lambda: lib.brink_events_import(self._ptr, reader[0], where, ffi.NULL,
                                                    ffi.NULL, stats), cancel))
            finally:
                lib.brink_event_store_set_cancel(self._ptr, ffi.NULL)
                lib.brink_event_reader_free(reader[0])
            rows.append({"file": path, "rows": stats.rows, "added": stats.added,
                         "duplicates": stats.duplicates, "bad": stats.bad})
        return pd.DataFrame(rows, columns=["file", "rows", "added", "duplicates", "bad"])

    @staticmethod
    def _filter(f, keep, dyad, both_directions, start, end, root, code, role1, role2,
                use_added):
        def s(v):
            if not v:
                return ffi.NULL
            p = ffi.new("char[]", str(v).encode())
            keep.append(p)
            return p

        a1, a2 = (dyad.split(":", 1) + [""])[:2] if dyad else ("", "")
        f.actor1, f.actor2 = s(a1), s(a2)
        f.both_directions = 1 if both_directions else 0
        f.__setattr__("from", _day(start))
        f.to = _day(end)
        f.use_added = 1 if use_added else 0
        f.root, f.code, f.role1, f.role2 = s(root), s(code), s(role1), s(role2)

    def query(self, dyad=None, both_directions=False, start=None, end=None, root=None,
              code=None, role1=None, role2=None, use_added=False, limit=0):
        """Stored events passing the filter, ordered by date then id, as a pandas frame (one
        row per event, the columns of brink_event). dyad: "PRK:USA" (actor1:actor2
        countries); start/end: inclusive days; root: CAMEO root ("19"); code: exact code."""
        import pandas as pd

        keep = []
        f = ffi.new("brink_event_filter *")
        self._filter(f, keep, dyad, both_directions, start, end, root, code, role1, role2,
                     use_added)
        rows = []
        handle = ffi.new_handle(rows)
        self._ctx.check(lib.brink_events_query(self._ptr, f, int(limit), lib.brink_py_on_event,
                                               handle))
        frame = pd.DataFrame(rows, columns=list(_EVENT_FIELDS))
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    def count(self):
        """Events in the store."""
        out = ffi.new("uint64_t *")
        self._ctx.check(lib.brink_events_count(self._ptr, out))
        return int(out[0])

    def index(self, dyad=None, both_directions=False, start=None, end=None, by="week",
              dedupe="none", normalise=False, root=None, code=None, role1=None, role2=None,
              use_added=False):
        """The observed tension index, one row per period (day, week or month) with events
        counted, net cooperation, tension, mean Goldstein and conflict share; normalise adds
        the store's total per period and tension per 1000 events."""
        import pandas as pd

        if by not in _PERIODS or dedupe not in _DEDUPE:
            raise ValueError("by: day, week or month; dedupe: none, daily or source")
        keep = []
        opts = ffi.new("brink_event_index_opts *")
        self._filter(opts.filter, keep, dyad, both_directions, start, end, root, code, role1,
                     role2, use_added)
        opts.by = _PERIODS[by]
        opts.dedupe = _DEDUPE[dedupe]
        opts.normalise = 1 if normalise else 0
        out = ffi.new("brink_event_series **")
        self._ctx.check(lib.brink_events_index(self._ptr, opts, out))
        series = out[0]
        rows = []
        try:
            for i in range(series.n):
                r = series.rows[i]
                row = {"start": _iso(r.start), "events": r.acc.events,
                       "net_cooperation": r.net_cooperation, "tension": r.tension,
                       "mean_goldstein": r.mean_goldstein, "conflict_share": r.conflict_share}
                if normalise:
                    row["total"] = r.total
                    row["tension_per_1000"] = r.tension_per_1000
                rows.append(row)
        finally:
            lib.brink_event_series_free(series)
        frame = pd.DataFrame(rows, columns=["start", "events", "net_cooperation", "tension",
                                            "mean_goldstein", "conflict_share"]
                             + (["total", "tension_per_1000"] if normalise else []))
        frame["start"] = pd.to_datetime(frame["start"])
        return frame
