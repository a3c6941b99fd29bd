/*
 * check_rbacctl_output.c - rbacctl's output forms (rbacctl/output.c):
 * RFC 4180 quoting, JSON escaping of any byte string, table alignment.
 * Everything goes through a memory stream, so the bytes are compared.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "output.h"

static char *buf;
static size_t len;
static FILE *mem;

static void open_mem(void)
{
	mem = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(mem);
}

/* Closes the stream and returns what was written (freed at teardown). */
static const char *mem_text(void)
{
	ck_assert_int_eq(fclose(mem), 0);
	mem = NULL;
	return buf;
}

static void close_mem(void)
{
	if (mem != NULL)
		fclose(mem);
	free(buf);
	buf = NULL;
	mem = NULL;
}

/* ---- CSV ---- */

static const struct {
	const char *field, *csv;
} csv_cases[] = {
    {"plain", "plain"},
    {"", ""},
    {"a,b", "\"a,b\""},
    {"say \"hi\"", "\"say \"\"hi\"\"\""},
    {"two\r\nlines", "\"two\r\nlines\""},
    {"lf\nonly", "\"lf\nonly\""},
    {"tab\there", "tab\there"},
    {"esc\033[31m", "esc?[31m"}, /* no escape sequence reaches a terminal */
    {"del\177", "del?"},
    {"caf\xc3\xa9", "caf\xc3\xa9"}, /* UTF-8 is data */
    {" spaced ", " spaced "},
};

START_TEST(test_csv_field)
{
	const char *row[2] = {csv_cases[_i].field, "x"};
	char want[128];

	csv_row(mem, row, 2);
	snprintf(want, sizeof(want), "%s,x\r\n", csv_cases[_i].csv);
	ck_assert_str_eq(mem_text(), want);
}
END_TEST

START_TEST(test_csv_null_and_empty_row)
{
	const char *row[3] = {NULL, "", NULL};

	csv_row(mem, row, 3);
	ck_assert_str_eq(mem_text(), ",,\r\n");
}
END_TEST

/* ---- JSON ---- */

static const struct {
	const char *in, *json;
} json_cases[] = {
    {"plain", "\"plain\""},
    {"q\"b\\", "\"q\\\"b\\\\\""},
    {"\n\r\t\001\037", "\"\\u000a\\u000d\\u0009\\u0001\\u001f\""},
    {"\177", "\"\\u007f\""},
    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
     "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
    {"bad\xff", "\"bad\\ufffd\""},			      /* not UTF-8 */
    {"\xc3", "\"\\ufffd\""},				      /* cut sequence */
    {"\xc0\xaf", "\"\\ufffd\\ufffd\""},			      /* overlong '/' */
    {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},	      /* surrogate */
    {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* > U+10FFFF */
};

START_TEST(test_json_string)
{
	struct json j;

	json_begin(&j, mem);
	json_string(&j, NULL, json_cases[_i].in);
	ck_assert_str_eq(mem_text(), json_cases[_i].json);
}
END_TEST

START_TEST(test_json_document)
{
	struct json j;

	json_begin(&j, mem);
	json_object(&j, NULL);
	json_string(&j, "s", "v");
	json_string(&j, "n", NULL);
	json_int(&j, "i", -42);
	json_bool(&j, "b", true);
	json_time(&j, "t", true, 0);
	json_time(&j, "u", false, 0);
	json_array(&j, "empty");
	json_end(&j);
	json_array(&j, "a");
	json_string(&j, NULL, "x");
	json_object(&j, NULL);
	json_end(&j);
	json_end(&j);
	json_end(&j);
	ck_assert_int_eq(json_finish(&j), 0);
	ck_assert_str_eq(mem_text(), "{\n"
				     "  \"s\": \"v\",\n"
				     "  \"n\": null,\n"
				     "  \"i\": -42,\n"
				     "  \"b\": true,\n"
				     "  \"t\": \"1970-01-01T00:00:00Z\",\n"
				     "  \"u\": null,\n"
				     "  \"empty\": [],\n"
				     "  \"a\": [\n"
				     "    \"x\",\n"
				     "    {}\n"
				     "  ]\n"
				     "}\n");
}
END_TEST

/* ---- tables ---- */

START_TEST(test_table_alignment)
{
	struct table t;

	table_init(&t, 3);
	table_add(&t, "USER", "HOW", "STATE");
	table_add(&t, "b\xc3\xa9", "memberUid", "active"); /* two bytes, one column */
	table_add(&t, "victor", "via eng/super-admin", NULL);
	ck_assert_int_eq(table_print(&t, mem, 2), 0);
	table_free(&t);
	ck_assert_str_eq(mem_text(), "  USER    HOW                  STATE\n"
				     "  b\xc3\xa9      memberUid            active\n"
				     "  victor  via eng/super-admin\n");
}
END_TEST

START_TEST(test_table_cleans_control_characters)
{
	struct table t;

	table_init(&t, 2);
	table_add(&t, "reason", "hold\033]0;owned\007 now\n");
	ck_assert_int_eq(table_print(&t, mem, 0), 0);
	table_free(&t);
	ck_assert_str_eq(mem_text(), "reason  hold?]0;owned? now?\n");
}
END_TEST

START_TEST(test_iso_time)
{
	char b[32];

	ck_assert_str_eq(format_iso_time(1798761599, b, sizeof(b)), "2026-12-31T23:59:59Z");
	ck_assert_str_eq(format_iso_time(0, b, sizeof(b)), "1970-01-01T00:00:00Z");
	/* GeneralizedTime reaches back to year 0: always four digits */
	ck_assert_str_eq(format_iso_time(-1, b, sizeof(b)), "1969-12-31T23:59:59Z");
	ck_assert_str_eq(format_iso_time(-62135596800, b, sizeof(b)), "0001-01-01T00:00:00Z");
	ck_assert_str_eq(format_iso_time(-62167219200, b, sizeof(b)), "0000-01-01T00:00:00Z");
	/* a buffer too small gives "?", never a cut date */
	ck_assert_str_eq(format_iso_time(0, b, 20), "?");
	mem_text();
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("rbacctl output");
	TCase *tc = tcase_create("csv");

	tcase_add_checked_fixture(tc, open_mem, close_mem);
	tcase_add_loop_test(tc, test_csv_field, 0, sizeof(csv_cases) / sizeof(csv_cases[0]));
	tcase_add_test(tc, test_csv_null_and_empty_row);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, open_mem, close_mem);
	tcase_add_loop_test(tc, test_json_string, 0,
			    sizeof(json_cases) / sizeof(json_cases[0]));
	tcase_add_test(tc, test_json_document);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, open_mem, close_mem);
	tcase_add_test(tc, test_table_alignment);
	tcase_add_test(tc, test_table_cleans_control_characters);
	tcase_add_test(tc, test_iso_time);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(output_suite());
}
