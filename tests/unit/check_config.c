/*
 * Settings from the command line: --trusted-proxies parses a list of
 * addresses and CIDR ranges, and refuses anything else.
 */
#include <check.h>
#include <stdlib.h>

#include "config.h"
#include "eval/ipaddr.h"

/* Load cfg from the arguments flag and value (NULL: flag alone). */
static int load(struct vx_config *cfg, const char *flag, const char *value)
{
    char *argv[] = {(char *)flag, (char *)value};

    unsetenv("VEXIL_TRUSTED_PROXIES");
    return vx_config_load(cfg, value ? 2 : 1, argv);
}

START_TEST(trusted_proxies_default_to_none)
{
    struct vx_config cfg;

    unsetenv("VEXIL_TRUSTED_PROXIES");
    ck_assert_int_eq(vx_config_load(&cfg, 0, NULL), 0);
    ck_assert_uint_eq(cfg.n_trusted_proxies, 0);
    vx_config_release(&cfg);

    ck_assert_int_eq(load(&cfg, "--trusted-proxies", "  "), 0);
    ck_assert_uint_eq(cfg.n_trusted_proxies, 0);
    vx_config_release(&cfg);
}
END_TEST

START_TEST(trusted_proxies_take_addresses_and_ranges)
{
    struct vx_config cfg;
    struct vx_ip_range ip;

    ck_assert_int_eq(
        load(&cfg, "--trusted-proxies", "10.0.0.0/8, 192.0.2.1 ,2001:db8::/32"),
        0);
    ck_assert_uint_eq(cfg.n_trusted_proxies, 3);
    ck_assert(vx_ip_addr_parse("10.9.8.7", &ip));
    ck_assert(vx_ip_in_range(&ip, &cfg.trusted_proxies[0]));
    ck_assert(vx_ip_addr_parse("192.0.2.2", &ip));
    ck_assert(!vx_ip_in_range(&ip, &cfg.trusted_proxies[1]));
    ck_assert(vx_ip_addr_parse("2001:db8::5", &ip));
    ck_assert(vx_ip_in_range(&ip, &cfg.trusted_proxies[2]));
    vx_config_release(&cfg);

    ck_assert_int_eq(load(&cfg, "--trusted-proxies=::1", NULL), 0);
    ck_assert_uint_eq(cfg.n_trusted_proxies, 1);
    vx_config_release(&cfg);
}
END_TEST

START_TEST(bad_trusted_proxies_are_refused)
{
    static const char *const bad[] = {"10.0.0.0/33", "10.0.0.1,",
                                      ",10.0.0.1",   "proxy.internal",
                                      "10.0.0.1/8x", "10.0.0.1 10.0.0.2"};
    struct vx_config cfg;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(load(&cfg, "--trusted-proxies", bad[i]) == -1,
                      "'%s' accepted", bad[i]);
        vx_config_release(&cfg);
    }
}
END_TEST

static Suite *config_suite(void)
{
    Suite *su = suite_create("config");
    TCase *tc = tcase_create("trusted_proxies");

    tcase_add_test(tc, trusted_proxies_default_to_none);
    tcase_add_test(tc, trusted_proxies_take_addresses_and_ranges);
    tcase_add_test(tc, bad_trusted_proxies_are_refused);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
