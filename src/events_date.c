/* SPDX-License-Identifier: MIT */
/* Calendar arithmetic for event data: day validation, ISO 8601 weeks, period starts. Days are
 * YYYYMMDD integers; day counts use the proleptic Gregorian calendar (Hinnant's algorithms,
 * "chrono-Compatible Low-Level Date Algorithms"). */
#include "brink/events.h"
#include "brink/scenario.h"
#include "internal.h"

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m) {
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int digits(const char *s, size_t n, int *out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

brink_status brink_event_date_parse(const char *s, size_t n, int32_t *out) {
  int y, m, d;
  if (n == 8) {
    if (!digits(s, 4, &y) || !digits(s + 4, 2, &m) || !digits(s + 6, 2, &d)) return BRINK_EPARSE;
  } else if (n == 10 && s[4] == '-' && s[7] == '-') {
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d)) return BRINK_EPARSE;
  } else {
    return BRINK_EPARSE;
  }
  if (y < 1800 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
    return BRINK_EPARSE;
  *out = (int32_t)(y * 10000 + m * 100 + d);
  return BRINK_OK;
}

/* Days since 1970-01-01. */
static int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int32_t civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  return (int32_t)(y * 10000 + m * 100 + d);
}

static int64_t to_days(int32_t date) {
  return days_from_civil(date / 10000, date / 100 % 100, date % 100);
}

int64_t brink__date_to_days(int32_t date) { return to_days(date); }
int32_t brink__date_from_days(int64_t days) { return civil_from_days(days); }

int32_t brink__date_add_steps(int32_t start, int step, uint32_t n) {
  if (step == BRINK_STEP_DAY) return civil_from_days(to_days(start) + n);
  if (step == BRINK_STEP_WEEK) return civil_from_days(to_days(start) + 7 * (int64_t)n);
  /* Months: the same day of the month, clipped to the month's last day. */
  int64_t months = (int64_t)(start / 10000) * 12 + (start / 100 % 100 - 1) + n;
  int y = (int)(months / 12), m = (int)(months % 12) + 1, d = start % 100;
  if (d > days_in_month(y, m)) d = days_in_month(y, m);
  return (int32_t)(y * 10000 + m * 100 + d);
}

/* Monday of the ISO week holding day z (1970-01-01 was a Thursday: index 3 from Monday). */
static int64_t monday_of(int64_t z) {
  int64_t weekday = ((z % 7) + 7 + 3) % 7;
  return z - weekday;
}

int32_t brink_event_period_start(brink_event_period by, int32_t date) {
  switch (by) {
  case BRINK_EVENT_BY_WEEK:
    return civil_from_days(monday_of(to_days(date)));
  case BRINK_EVENT_BY_MONTH:
    return date / 100 * 100 + 1;
  case BRINK_EVENT_BY_DAY:
  default:
    return date;
  }
}

int32_t brink_event_period_next(brink_event_period by, int32_t start) {
  switch (by) {
  case BRINK_EVENT_BY_WEEK:
    return civil_from_days(to_days(start) + 7);
  case BRINK_EVENT_BY_MONTH: {
    int y = start / 10000, m = start / 100 % 100 + 1;
    if (m > 12) {
      m = 1;
      y++;
    }
    return (int32_t)(y * 10000 + m * 100 + 1);
  }
  case BRINK_EVENT_BY_DAY:
  default:
    return civil_from_days(to_days(start) + 1);
  }
}

int64_t brink_event_date_days(int32_t date) { return to_days(date); }
int32_t brink_event_date_from_days(int64_t days) { return civil_from_days(days); }

void brink_event_iso_week(int32_t date, int *iso_year, int *week) {
  /* ISO 8601: the week belongs to the year of its Thursday; week 1 holds the first Thursday. */
  int64_t thursday = monday_of(to_days(date)) + 3;
  int32_t t = civil_from_days(thursday);
  int year = t / 10000;
  *iso_year = year;
  *week = (int)((thursday - days_from_civil(year, 1, 1)) / 7 + 1);
}
