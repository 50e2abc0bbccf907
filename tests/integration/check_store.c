/*
 * The database file from the command line: `vexil migrate` creates and
 * upgrades it, `vexil serve` refuses a database a newer release wrote
 * and leaves it as it was, and `vexil token create` makes tokens in it
 * offline that a server started on the file then accepts.
 */
#include <check.h>
#include <glob.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "../testing.h"

static struct srv s;

static void setup(void)
{
    srv_start(&s, NULL);
}

static void teardown(void)
{
    srv_cleanup(&s);
}

/*
 * Run the binary with args (NULL-terminated, after the program name),
 * its standard output and error into out (malloc'd, NUL-terminated; the
 * caller frees). Returns the exit status, or -1 when it did not exit on
 * its own within 10 s (it is then killed).
 */
static int run(char **out, const char *const *args)
{
    const char *bin = getenv("VEXIL_BIN");
    char path[300], *argv[16];
    int status = 0, n = 0, exited = 0;
    pid_t pid;
    FILE *f;
    long size;

    ck_assert_ptr_nonnull(bin);
    snprintf(path, sizeof(path), "%s/run-output", s.dir);
    argv[n++] = (char *)bin;
    for (int i = 0; args[i]; i++) {
        ck_assert_int_lt(n, 15);
        argv[n++] = (char *)args[i];
    }
    argv[n] = NULL;
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        dup2(fd, 1);
        dup2(fd, 2);
        execv(bin, argv);
        _exit(127);
    }
    for (int i = 0; i < 1000 && !exited; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            exited = 1;
        else
            usleep(10000);
    }
    if (!exited) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    *out = calloc(1, (size_t)size + 1);
    ck_assert_int_eq(fread(*out, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    if (!exited || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* A path in the test folder; returns buf. */
static char *in_dir(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", s.dir, name);
    return buf;
}

/* The whole content of file path (malloc'd), its length in *len. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long size;
    char *p;

    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    p = malloc((size_t)size + 1);
    ck_assert_int_eq(fread(p, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return p;
}

/* One integer from query on the database file path, -1 when no row. */
static long long db_int(const char *path, const char *query)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    long long v = -1;

    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, query, -1, &q, NULL), SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/*
 * How many migrations the source tree has (tests run from its top): they
 * are numbered from 1 without gaps, so this is the latest version.
 */
static int migration_files(void)
{
    glob_t g;
    int n;

    ck_assert_int_eq(glob("db/migrations/*.sql", 0, NULL, &g), 0);
    n = (int)g.gl_pathc;
    globfree(&g);
    return n;
}

/* Migrate a fresh file at path; returns the schema version it printed. */
static int migrate_fresh(const char *path)
{
    char *out, expect[400];
    int version = -1;
    const char *p;

    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(
        run(&out, (const char *const[]){"migrate", "--db", path, NULL}), 0);
    snprintf(expect, sizeof(expect), "database %s is at schema version ", path);
    p = strstr(out, expect);
    ck_assert_msg(p != NULL, "unexpected output: %s", out);
    ck_assert_int_eq(sscanf(p + strlen(expect), "%d", &version), 1);
    free(out);
    return version;
}

START_TEST(migrate_creates_a_fresh_database_and_prints_its_version)
{
    char path[300], *out;
    int version;

    version = migrate_fresh(in_dir(path, sizeof(path), "fresh.db"));
    ck_assert_int_eq(access(path, F_OK), 0);
    /* The printed version is the one recorded, of the latest migration,
     * and the schema is there. */
    ck_assert_int_eq(version, migration_files());
    ck_assert_int_eq(db_int(path, "SELECT count(*) FROM schema_migrations"),
                     version);
    ck_assert_int_eq(db_int(path, "SELECT max(version) FROM schema_migrations"),
                     version);
    ck_assert_int_eq(db_int(path, "SELECT count(*) FROM sqlite_master"
                                  " WHERE name IN ('features', 'api_tokens',"
                                  " 'change_request_settings')"),
                     3);
    ck_assert_int_eq(db_int(path, "SELECT count(*) FROM environments"), 2);

    /* Migrating again changes nothing and says the same. */
    ck_assert_int_eq(
        run(&out, (const char *const[]){"migrate", "--db", path, NULL}), 0);
    ck_assert_ptr_nonnull(strstr(out, "schema version"));
    free(out);
    ck_assert_int_eq(db_int(path, "SELECT max(version) FROM schema_migrations"),
                     version);
    ck_assert_int_eq(db_int(path, "SELECT count(*) FROM environments"), 2);
}
END_TEST

START_TEST(newer_database_is_refused_and_left_alone)
{
    char path[300], wal[320], port[300], *out, *before, *after, msg[200];
    size_t n_before, n_after;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int known;

    known = migrate_fresh(in_dir(path, sizeof(path), "newer.db"));
    /* A later release recorded one more migration. */
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "INSERT INTO schema_migrations"
                                        " VALUES (?, 'from_the_future.sql',"
                                        " '2030-01-01T00:00:00.000Z')",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_int(q, 1, known + 1);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
    before = slurp(path, &n_before);

    ck_assert_int_ne(
        run(&out,
            (const char *const[]){"serve", "--port", "0", "--port-file",
                                  in_dir(port, sizeof(port), "newer.port"),
                                  "--db", path, NULL}),
        0);
    snprintf(msg, sizeof(msg),
             "database schema version %d is newer than this binary's %d",
             known + 1, known);
    ck_assert_msg(strstr(out, msg) != NULL, "message was: %s", out);
    free(out);
    /* It never listened, and the file is byte for byte what it was. */
    ck_assert_int_eq(access(port, F_OK), -1);
    after = slurp(path, &n_after);
    ck_assert_uint_eq(n_after, n_before);
    ck_assert(memcmp(before, after, n_before) == 0);
    free(after);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    ck_assert_int_eq(access(wal, F_OK), -1);

    /* migrate refuses it the same way. */
    ck_assert_int_ne(
        run(&out, (const char *const[]){"migrate", "--db", path, NULL}), 0);
    ck_assert_msg(strstr(out, msg) != NULL, "message was: %s", out);
    free(out);
    after = slurp(path, &n_after);
    ck_assert_uint_eq(n_after, n_before);
    ck_assert(memcmp(before, after, n_before) == 0);
    free(after);
    free(before);
    ck_assert_int_eq(db_int(path, "SELECT max(version) FROM schema_migrations"),
                     known + 1);
}
END_TEST

START_TEST(token_create_offline_makes_a_working_client_token)
{
    char path[300], *out, *nl;
    struct resp r;

    in_dir(path, sizeof(path), "vexil.db");
    ck_assert_int_eq(req(&s, "POST", "/api/admin/projects/default/features",
                         ADMIN, "{\"name\":\"offline\"}", NULL),
                     201);
    ck_assert_int_eq(srv_stop(&s), 0);
    ck_assert_int_eq(
        run(&out, (const char *const[]){"token", "create", "--type", "client",
                                        "--environment", "development", "--db",
                                        path, NULL}),
        0);
    nl = strchr(out, '\n');
    ck_assert_ptr_nonnull(nl);
    *nl = '\0';
    ck_assert_msg(!strncmp(out, "*:development.", 14),
                  "not a client secret: %s", out);
    srv_restart(&s, NULL);

    ck_assert_int_eq(req(&s, "GET", "/api/client/features", out, NULL, &r),
                     200);
    ck_assert_str_eq(jstr(r.json, "features[0].name"), "offline");
    resp_free(&r);
    /* A client token is not an admin token. */
    ck_assert_int_eq(req(&s, "GET", "/api/admin/projects", out, NULL, NULL),
                     403);
    ck_assert_int_eq(req(&s, "GET", "/api/admin/api-tokens", ADMIN, NULL, &r),
                     200);
    ck_assert_ptr_null(strstr(r.body, out));
    resp_free(&r);
    free(out);
}
END_TEST

/* Run `vexil token create` with args; expect failure mentioning needle. */
static void token_create_fails(const char *const *args, const char *needle)
{
    const char *argv[16] = {"token", "create"};
    char *out;
    int n = 2;

    for (int i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    ck_assert_int_ne(run(&out, argv), 0);
    ck_assert_msg(strstr(out, needle) != NULL, "expected '%s' in: %s", needle,
                  out);
    free(out);
}

START_TEST(token_create_refuses_bad_arguments)
{
    char path[300], *out;
    long long tokens;

    in_dir(path, sizeof(path), "vexil.db");
    ck_assert_int_eq(srv_stop(&s), 0);
    tokens = db_int(path, "SELECT count(*) FROM api_tokens");
    ck_assert_int_ge(tokens, 1);

    token_create_fails((const char *const[]){"--db", path, NULL}, "--type");
    token_create_fails(
        (const char *const[]){"--type", "personal", "--db", path, NULL},
        "--type must be admin, client or frontend");
    token_create_fails(
        (const char *const[]){"--type", "bogus", "--db", path, NULL}, "--type");
    token_create_fails((const char *const[]){"--db", path, "--type", NULL},
                       "--type needs a value");
    token_create_fails((const char *const[]){"--type", "client", "--colour",
                                             "red", "--db", path, NULL},
                       "unknown option '--colour'");
    token_create_fails((const char *const[]){"--type", "client",
                                             "--environment", "nowhere", "--db",
                                             path, NULL},
                       "nowhere");
    token_create_fails((const char *const[]){"--type", "client", "--project",
                                             "ghost", "--db", path, NULL},
                       "needs an environment");
    token_create_fails((const char *const[]){"--type", "client", "--project",
                                             "ghost", "--environment",
                                             "development", "--db", path, NULL},
                       "ghost");
    ck_assert_int_ne(run(&out, (const char *const[]){"token", NULL}), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage"));
    free(out);
    ck_assert_int_ne(run(&out, (const char *const[]){"token", "revoke", NULL}),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "usage"));
    free(out);

    /* None of them made a token. */
    ck_assert_int_eq(db_int(path, "SELECT count(*) FROM api_tokens"), tokens);
    srv_restart(&s, NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("store");
    TCase *tc = tcase_create("store");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, migrate_creates_a_fresh_database_and_prints_its_version);
    tcase_add_test(tc, newer_database_is_refused_and_left_alone);
    tcase_add_test(tc, token_create_offline_makes_a_working_client_token);
    tcase_add_test(tc, token_create_refuses_bad_arguments);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    return test_run(suite());
}
