/* SPDX-License-Identifier: MIT */
/* Option parsing and help text shared by every `brink` command. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char exit_codes_text[] =
    "exit status: 0 success, 1 runtime failure (bad file, failed run), 2 usage error\n";

void cli_print_help(const cli_spec *spec) {
  printf("usage: brink %s %s\n\n%s\n", spec->name, spec->synopsis, spec->description);
  printf("\noptions:\n");
  for (size_t i = 0; i < spec->n_opts; i++) {
    const cli_opt *o = &spec->opts[i];
    char left[64];
    snprintf(left, sizeof left, "--%s%s%s", o->name, o->metavar ? " " : "",
             o->metavar ? o->metavar : "");
    printf("  %-24s %s%s\n", left, o->help, o->repeat ? " (repeatable)" : "");
  }
  printf("  %-24s %s\n", "--help", "show this help and exit");
  if (spec->epilog) printf("\n%s\n", spec->epilog);
  printf("\n%s", exit_codes_text);
}

int cli_usage_error(const cli_spec *spec, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "brink %s: ", spec->name);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'brink %s --help'.\n", spec->name);
  return CLI_EXIT_USAGE;
}

int cli_fail(const cli_spec *spec, brink_ctx *ctx, brink_status status) {
  const char *msg = ctx ? brink_ctx_errmsg(ctx) : "";
  fprintf(stderr, "brink %s: %s\n", spec->name, msg[0] ? msg : brink_status_str(status));
  return CLI_EXIT_FAIL;
}

cli_opt *cli_opt_get(cli_spec *spec, const char *name) {
  for (size_t i = 0; i < spec->n_opts; i++)
    if (strcmp(spec->opts[i].name, name) == 0) return &spec->opts[i];
  return NULL;
}

const char *cli_value(cli_spec *spec, const char *name, const char *fallback) {
  cli_opt *o = cli_opt_get(spec, name);
  return o && o->value ? o->value : fallback;
}

static cli_opt *find_opt(cli_spec *spec, const char *name, size_t len) {
  for (size_t i = 0; i < spec->n_opts; i++)
    if (strlen(spec->opts[i].name) == len && strncmp(spec->opts[i].name, name, len) == 0)
      return &spec->opts[i];
  return NULL;
}

void cli_spec_release(cli_spec *spec) {
  for (size_t i = 0; i < spec->n_opts; i++) {
    free(spec->opts[i].values);
    spec->opts[i].values = NULL;
    spec->opts[i].n_values = 0;
    spec->opts[i].value = NULL;
  }
  free(spec->pos);
  spec->pos = NULL;
  spec->n_pos = 0;
}

int cli_parse(cli_spec *spec, int argc, char **argv) {
  size_t n = argc > 0 ? (size_t)argc : 0;
  spec->pos = calloc(n + 1, sizeof *spec->pos);
  if (!spec->pos) {
    fprintf(stderr, "brink %s: out of memory\n", spec->name);
    return CLI_EXIT_FAIL;
  }
  for (size_t i = 0; i < spec->n_opts; i++) {
    if (!spec->opts[i].repeat) continue;
    spec->opts[i].values = calloc(n + 1, sizeof(const char *));
    if (!spec->opts[i].values) {
      fprintf(stderr, "brink %s: out of memory\n", spec->name);
      return CLI_EXIT_FAIL;
    }
  }
  int options_done = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (options_done || a[0] != '-' || a[1] == '\0') {
      spec->pos[spec->n_pos++] = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      options_done = 1;
      continue;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      cli_print_help(spec);
      return CLI_EXIT_OK;
    }
    /* "-o FILE" is what people type for an output file. */
    if (strcmp(a, "-o") == 0 && find_opt(spec, "output", 6)) a = "--output";
    if (a[1] != '-') {
      /* A lone dash followed by a digit is a negative number given as a positional. */
      if (a[1] >= '0' && a[1] <= '9') {
        spec->pos[spec->n_pos++] = a;
        continue;
      }
      return cli_usage_error(spec, "unknown option '%s' (options are spelled --name)", a);
    }
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    cli_opt *o = find_opt(spec, name, len);
    if (!o) return cli_usage_error(spec, "unknown option '--%.*s'", (int)len, name);
    const char *value;
    if (!o->metavar) {
      if (eq) return cli_usage_error(spec, "option '--%s' takes no value", o->name);
      value = "1";
    } else if (eq) {
      value = eq + 1;
    } else {
      if (i + 1 >= argc)
        return cli_usage_error(spec, "option '--%s' needs a value (%s)", o->name, o->metavar);
      value = argv[++i];
    }
    o->value = value;
    if (o->repeat) o->values[o->n_values++] = value;
  }
  if (spec->n_pos < spec->min_pos)
    return cli_usage_error(spec, "missing argument: expected %s", spec->synopsis);
  if (spec->n_pos > spec->max_pos)
    return cli_usage_error(spec, "unexpected argument '%s'", spec->pos[spec->max_pos]);
  return -1;
}

int cli_u64(cli_spec *spec, const char *name, uint64_t min, uint64_t max, uint64_t fallback,
            uint64_t *out) {
  cli_opt *o = cli_opt_get(spec, name);
  if (!o || !o->value) {
    *out = fallback;
    return -1;
  }
  int64_t v;
  brink_status st = brink_parse_i64(o->value, strlen(o->value), &v);
  if (st == BRINK_EPARSE)
    return cli_usage_error(spec, "--%s expects a whole number, got '%s'", name, o->value);
  if (st || v < 0 || (uint64_t)v < min || (uint64_t)v > max)
    return cli_usage_error(spec, "--%s must be between %llu and %llu, got '%s'", name,
                           (unsigned long long)min, (unsigned long long)max, o->value);
  *out = (uint64_t)v;
  return -1;
}

int cli_f64(cli_spec *spec, const char *name, double min, double max, double fallback,
            double *out) {
  cli_opt *o = cli_opt_get(spec, name);
  if (!o || !o->value) {
    *out = fallback;
    return -1;
  }
  double v;
  brink_status st = brink_parse_f64(o->value, strlen(o->value), &v);
  if (st == BRINK_EPARSE)
    return cli_usage_error(spec, "--%s expects a number, got '%s'", name, o->value);
  if (st || v < min || v > max)
    return cli_usage_error(spec, "--%s must be between %g and %g, got '%s'", name, min, max,
                           o->value);
  *out = v;
  return -1;
}

int cli_choice(cli_spec *spec, const char *name, const char *const *choices, int n, int fallback,
               int *out) {
  const char *v = cli_value(spec, name, NULL);
  *out = fallback;
  if (!v) return -1;
  for (int i = 0; i < n; i++)
    if (strcmp(v, choices[i]) == 0) {
      *out = i;
      return -1;
    }
  char list[256] = "";
  size_t len = 0;
  for (int i = 0; i < n && len < sizeof list; i++) {
    int k = snprintf(list + len, sizeof list - len, "%s%s", i ? "|" : "", choices[i]);
    if (k > 0) len += (size_t)k;
  }
  return cli_usage_error(spec, "--%s must be one of %s, got '%s'", name, list, v);
}
