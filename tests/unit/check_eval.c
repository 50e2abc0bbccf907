/*
 * Evaluation: contexts, each constraint operator, each built-in
 * strategy, variants, parent dependencies, variant weight normalisation,
 * and the helpers underneath (JavaScript numbers, semver, IP ranges,
 * RE2 patterns). JSON in this file is written with ' for " to stay
 * readable; q() swaps them back.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "eval/eval.h"
#include "eval/ipaddr.h"
#include "eval/jsval.h"
#include "eval/murmur3.h"
#include "eval/regex.h"
#include "eval/semver.h"
#include "eval/variants.h"
#include "model/model.h"
#include "vx_alloc.h"

/* A copy of text with every ' turned into ". Caller frees. */
static char *q(const char *text)
{
    char *s = vx_strdup(text);

    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    return s;
}

/* Parse q(text) as JSON. */
static json_t *js(const char *text)
{
    char *s = q(text);
    json_error_t jerr;
    json_t *v = json_loads(s, JSON_DECODE_ANY, &jerr);

    ck_assert_msg(v != NULL, "bad test JSON: %s: %s", jerr.text, s);
    free(s);
    return v;
}

/* Build a flag set of the given features array text. */
static struct vx_flagset *flags(const char *features)
{
    json_t *root = json_pack("{s:o}", "features", js(features));
    struct vx_flagset *fs;
    struct vx_err err = {0};

    ck_assert_msg(vx_flagset_from_json(root, &fs, &err) == 0, "%s at %s",
                  err.msg, err.path);
    json_decref(root);
    return fs;
}

/* Build a one-feature flag set from a strategies array text. */
static struct vx_flagset *strategies(const char *text)
{
    char buf[4096];

    snprintf(buf, sizeof(buf), "[{'name':'f','enabled':true,'strategies':%s}]",
             text);
    return flags(buf);
}

/* A context from q(json). Release with vx_context_release(). */
static void ctx_from(struct vx_context *ctx, const char *text)
{
    json_t *v = js(text);

    vx_context_init(ctx);
    ck_assert_int_eq(vx_context_from_json(ctx, v, NULL), 0);
    json_decref(v);
}

/* Whether feature f of fs is on for the context q(text). */
static bool on(const struct vx_flagset *fs, const char *f, const char *text)
{
    struct vx_context ctx;
    bool r;

    ctx_from(&ctx, text);
    r = vx_eval_enabled(fs, f, &ctx);
    vx_context_release(&ctx);
    return r;
}

/* Whether one constraint (q-JSON) holds for the context q(text). */
static bool holds(const char *constraint, const char *text)
{
    char buf[2048];
    struct vx_flagset *fs;
    bool r;

    snprintf(buf, sizeof(buf), "[{'name':'default','constraints':[%s]}]",
             constraint);
    fs = strategies(buf);
    r = on(fs, "f", text);
    vx_flagset_free(fs);
    return r;
}

/* The variant name of f for the context q(text); *fe gets feature_enabled. */
static const char *variant(const struct vx_flagset *fs, const char *f,
                           const char *text, bool *fe)
{
    struct vx_variant_result r;
    struct vx_context ctx;

    ctx_from(&ctx, text);
    vx_eval_variant(fs, f, &ctx, &r);
    vx_context_release(&ctx);
    if (fe)
        *fe = r.feature_enabled;
    ck_assert(r.enabled == (strcmp(r.name, "disabled") != 0));
    return r.name;
}

/* ---- contexts --------------------------------------------------------- */

START_TEST(context_fields_and_properties)
{
    struct vx_context ctx;

    ctx_from(&ctx, "{'userId':'u','sessionId':7,'remoteAddress':'1.2.3.4',"
                   "'environment':'prod','appName':'web','currentTime':"
                   "'2024-01-01T00:00:00Z','plan':'pro','properties':"
                   "{'plan':'free','seats':2.5,'beta':true,'gone':null}}");
    ck_assert_str_eq(ctx.user_id, "u");
    ck_assert_str_eq(ctx.session_id, "7");
    ck_assert_str_eq(vx_context_get(&ctx, "remoteAddress"), "1.2.3.4");
    ck_assert_str_eq(vx_context_get(&ctx, "appName"), "web");
    ck_assert_str_eq(vx_context_get(&ctx, "environment"), "prod");
    ck_assert_str_eq(vx_context_get(&ctx, "currentTime"),
                     "2024-01-01T00:00:00Z");
    /* A top-level field wins over the property of the same name. */
    ck_assert_str_eq(vx_context_get(&ctx, "plan"), "pro");
    ck_assert_str_eq(vx_context_get(&ctx, "seats"), "2.5");
    ck_assert_str_eq(vx_context_get(&ctx, "beta"), "true");
    ck_assert_ptr_null(vx_context_get(&ctx, "gone"));
    ck_assert_ptr_null(vx_context_get(&ctx, "nothing"));

    vx_context_set(&ctx, "userId", NULL);
    ck_assert_ptr_null(vx_context_get(&ctx, "userId"));
    /* A property named like a standard field is found once it is unset. */
    vx_context_set_property(&ctx, "userId", "p");
    ck_assert_str_eq(vx_context_get(&ctx, "userId"), "p");
    vx_context_set(&ctx, "userId", "s");
    ck_assert_str_eq(vx_context_get(&ctx, "userId"), "s");
    vx_context_set(&ctx, "seats", NULL);
    ck_assert_ptr_null(vx_context_get(&ctx, "seats"));
    vx_context_release(&ctx);
    ck_assert_ptr_null(ctx.user_id);
    ck_assert_uint_eq(ctx.n_props, 0);
}
END_TEST

START_TEST(context_from_bad_json)
{
    struct vx_context ctx;
    struct vx_err err = {0};
    json_t *v = js("{'properties':[1]}");

    vx_context_init(&ctx);
    ck_assert_int_eq(vx_context_from_json(&ctx, v, &err), VX_EINVAL);
    ck_assert_str_eq(err.path, "/context/properties");
    json_decref(v);
    v = js("[]");
    ck_assert_int_eq(vx_context_from_json(&ctx, v, &err), VX_EINVAL);
    json_decref(v);
    vx_context_release(&ctx);
}
END_TEST

/* ---- features and strategies ------------------------------------------ */

START_TEST(feature_states)
{
    struct vx_flagset *fs = flags(
        "[{'name':'off','enabled':false,'strategies':[{'name':'default'}]},"
        "{'name':'bare','enabled':true,'strategies':[]},"
        "{'name':'custom','enabled':true,'strategies':[{'name':'mine'}]},"
        "{'name':'or','enabled':true,'strategies':[{'name':'mine'},"
        "{'name':'userWithId','parameters':{'userIds':'a'}},"
        "{'name':'default','constraints':[{'contextName':'x',"
        "'operator':'IN','values':['1']}]}]}]");

    ck_assert(!on(fs, "off", "{}"));
    ck_assert(on(fs, "bare", "{}"));
    ck_assert(!on(fs, "custom", "{}"));
    ck_assert(!on(fs, "missing", "{}"));
    ck_assert(!on(fs, "or", "{}"));
    ck_assert(on(fs, "or", "{'userId':'a'}"));
    ck_assert(on(fs, "or", "{'properties':{'x':'1'}}"));
    vx_flagset_free(fs);
}
END_TEST

START_TEST(flexible_rollout)
{
    struct vx_flagset *fs;
    uint32_t b = vx_bucket("f", "user-7", VX_ROLLOUT_SEED, 100);
    uint32_t bg = vx_bucket("grp", "user-7", VX_ROLLOUT_SEED, 100);
    char buf[1024];

    /* The group defaults to the flag name: on at b, off at b - 1. */
    snprintf(buf, sizeof(buf),
             "[{'name':'flexibleRollout','parameters':{'rollout':'%u'}}]", b);
    fs = strategies(buf);
    ck_assert(on(fs, "f", "{'userId':'user-7'}"));
    ck_assert(on(fs, "f", "{'sessionId':'user-7'}"));
    vx_flagset_free(fs);
    snprintf(buf, sizeof(buf),
             "[{'name':'flexibleRollout','parameters':{'rollout':'%u',"
             "'groupId':''}}]",
             b - 1);
    fs = strategies(buf);
    ck_assert(!on(fs, "f", "{'userId':'user-7'}"));
    vx_flagset_free(fs);

    snprintf(buf, sizeof(buf),
             "[{'name':'flexibleRollout','parameters':{'rollout':%u,"
             "'groupId':'grp','stickiness':'tenant'}}]",
             bg);
    fs = strategies(buf);
    ck_assert(on(fs, "f", "{'properties':{'tenant':'user-7'}}"));
    /* A custom stickiness field that is missing turns the strategy off. */
    ck_assert(!on(fs, "f", "{'userId':'user-7'}"));
    vx_flagset_free(fs);

    fs = strategies("[{'name':'flexibleRollout','parameters':"
                    "{'rollout':'100','stickiness':'random'}}]");
    ck_assert(on(fs, "f", "{}"));
    vx_flagset_free(fs);
    fs = strategies("[{'name':'flexibleRollout','parameters':"
                    "{'rollout':'0'}}]");
    ck_assert(!on(fs, "f", "{'userId':'a'}"));
    vx_flagset_free(fs);
    fs = strategies("[{'name':'flexibleRollout','parameters':{}}]");
    ck_assert(!on(fs, "f", "{'userId':'a'}"));
    vx_flagset_free(fs);
}
END_TEST

START_TEST(user_with_id)
{
    struct vx_flagset *fs = strategies(
        "[{'name':'userWithId','parameters':{'userIds':'a, b,c  ,d'}}]");

    ck_assert(on(fs, "f", "{'userId':'a'}"));
    ck_assert(on(fs, "f", "{'userId':'b'}"));
    ck_assert(on(fs, "f", "{'userId':'d'}"));
    ck_assert(!on(fs, "f", "{'userId':' b'}"));
    ck_assert(!on(fs, "f", "{'userId':'e'}"));
    ck_assert(!on(fs, "f", "{}"));
    vx_flagset_free(fs);
}
END_TEST

START_TEST(remote_address)
{
    struct vx_flagset *fs =
        strategies("[{'name':'remoteAddress','parameters':{'IPs':"
                   "'10.0.0.0/8, 192.168.1.5,2001:db8::1, bad'}}]");

    ck_assert(on(fs, "f", "{'remoteAddress':'10.20.30.40'}"));
    ck_assert(on(fs, "f", "{'remoteAddress':'192.168.1.5'}"));
    ck_assert(!on(fs, "f", "{'remoteAddress':'192.168.1.6'}"));
    ck_assert(!on(fs, "f", "{'remoteAddress':'11.0.0.1'}"));
    /* IPv6 matches as exact text only, as in the SDKs. */
    ck_assert(on(fs, "f", "{'remoteAddress':'2001:db8::1'}"));
    ck_assert(on(fs, "f", "{'remoteAddress':'bad'}"));
    ck_assert(!on(fs, "f", "{}"));
    vx_flagset_free(fs);
}
END_TEST

START_TEST(application_hostname)
{
    char buf[1024], upper[300];
    const char *host = vx_eval_hostname();
    struct vx_flagset *fs;
    size_t i;

    ck_assert(host[0] != '\0');
    for (i = 0; host[i] && i < sizeof(upper) - 1; i++)
        upper[i] =
            (char)(host[i] >= 'a' && host[i] <= 'z' ? host[i] - 32 : host[i]);
    upper[i] = '\0';
    snprintf(buf, sizeof(buf),
             "[{'name':'applicationHostname','parameters':"
             "{'hostNames':'elsewhere, %s'}}]",
             upper);
    fs = strategies(buf);
    ck_assert(on(fs, "f", "{}"));
    vx_flagset_free(fs);
    fs = strategies("[{'name':'applicationHostname','parameters':"
                    "{'hostNames':'no-such-host.invalid'}}]");
    ck_assert(!on(fs, "f", "{}"));
    vx_flagset_free(fs);
}
END_TEST

START_TEST(gradual_rollouts)
{
    uint32_t b = vx_bucket("g", "42", VX_ROLLOUT_SEED, 100);
    struct vx_flagset *fs;
    char buf[1024];

    snprintf(buf, sizeof(buf),
             "[{'name':'gradualRolloutUserId','parameters':"
             "{'percentage':'%u','groupId':'g'}},"
             "{'name':'gradualRolloutSessionId','parameters':"
             "{'percentage':'%u','groupId':'g'}}]",
             b, b - 1);
    fs = strategies(buf);
    ck_assert(on(fs, "f", "{'userId':'42'}"));
    ck_assert(!on(fs, "f", "{'sessionId':'42'}"));
    ck_assert(!on(fs, "f", "{}"));
    vx_flagset_free(fs);

    /* The gradual strategies' group defaults to "", not the flag name. */
    b = vx_bucket("", "42", VX_ROLLOUT_SEED, 100);
    snprintf(buf, sizeof(buf),
             "[{'name':'gradualRolloutSessionId','parameters':"
             "{'percentage':'%u'}}]",
             b);
    fs = strategies(buf);
    ck_assert(on(fs, "f", "{'sessionId':'42'}"));
    vx_flagset_free(fs);

    fs = flags("[{'name':'all','enabled':true,'strategies':[{'name':"
               "'gradualRolloutRandom','parameters':{'percentage':100}}]},"
               "{'name':'none','enabled':true,'strategies':[{'name':"
               "'gradualRolloutRandom','parameters':{'percentage':0}}]}]");
    for (int i = 0; i < 20; i++) {
        ck_assert(on(fs, "all", "{}"));
        ck_assert(!on(fs, "none", "{}"));
    }
    vx_flagset_free(fs);
}
END_TEST

START_TEST(segments)
{
    json_t *root =
        js("{'features':[{'name':'f','enabled':true,'strategies':[{'name':"
           "'default','segments':[1],'constraints':[{'contextName':'a',"
           "'operator':'IN','values':['1']}]}]},{'name':'g','enabled':true,"
           "'strategies':[{'name':'default','segments':[9]}]}],"
           "'segments':[{'id':1,'constraints':[{'contextName':'b',"
           "'operator':'IN','values':['2']}]}]}");
    struct vx_flagset *fs;

    ck_assert_int_eq(vx_flagset_from_json(root, &fs, NULL), 0);
    json_decref(root);
    ck_assert(on(fs, "f", "{'properties':{'a':'1','b':'2'}}"));
    ck_assert(!on(fs, "f", "{'properties':{'a':'1'}}"));
    ck_assert(!on(fs, "f", "{'properties':{'b':'2'}}"));
    /* A strategy naming a segment the flag set lacks is off. */
    ck_assert(!on(fs, "g", "{}"));
    vx_flagset_free(fs);
}
END_TEST

/* ---- constraints ------------------------------------------------------ */

START_TEST(in_and_not_in)
{
    const char *in = "{'contextName':'userId','operator':'IN',"
                     "'values':['a',' b ','']}";
    const char *not_in = "{'contextName':'userId','operator':'NOT_IN',"
                         "'values':['a']}";

    ck_assert(holds(in, "{'userId':'a'}"));
    ck_assert(holds(in, "{'userId':'b'}"));
    ck_assert(!holds(in, "{'userId':'A'}"));
    ck_assert(!holds(in, "{'userId':''}"));
    ck_assert(!holds(in, "{}"));
    ck_assert(!holds(not_in, "{'userId':'a'}"));
    ck_assert(holds(not_in, "{'userId':'c'}"));
    /* A missing field is not in any list. */
    ck_assert(holds(not_in, "{}"));
    ck_assert(holds("{'contextName':'userId','operator':'IN','values':"
                    "['a'],'inverted':true}",
                    "{}"));
}
END_TEST

START_TEST(string_operators)
{
    const char *sw = "{'contextName':'email','operator':'STR_STARTS_WITH',"
                     "'values':['ad','']}";
    const char *ew_ci = "{'contextName':'email','operator':'STR_ENDS_WITH',"
                        "'values':['@Example.COM'],'caseInsensitive':true}";
    const char *co = "{'contextName':'email','operator':'STR_CONTAINS',"
                     "'values':['min']}";

    ck_assert(holds(sw, "{'properties':{'email':'admin@x'}}"));
    ck_assert(!holds(sw, "{'properties':{'email':'Admin@x'}}"));
    ck_assert(!holds(sw, "{'properties':{'email':'x'}}"));
    ck_assert(!holds(sw, "{}"));
    ck_assert(holds(ew_ci, "{'properties':{'email':'a@EXAMPLE.com'}}"));
    ck_assert(!holds(ew_ci, "{'properties':{'email':'a@example.org'}}"));
    ck_assert(holds(co, "{'properties':{'email':'admin'}}"));
    ck_assert(!holds(co, "{'properties':{'email':'MIN'}}"));
    ck_assert(holds("{'contextName':'email','operator':'STR_CONTAINS',"
                    "'values':['min'],'inverted':true}",
                    "{}"));
}
END_TEST

START_TEST(number_operators)
{
    ck_assert(holds("{'contextName':'n','operator':'NUM_EQ','value':'5'}",
                    "{'properties':{'n':'5.0'}}"));
    ck_assert(holds("{'contextName':'n','operator':'NUM_EQ','value':16}",
                    "{'properties':{'n':' 0x10 '}}"));
    ck_assert(holds("{'contextName':'n','operator':'NUM_GT','value':'5'}",
                    "{'properties':{'n':6}}"));
    ck_assert(!holds("{'contextName':'n','operator':'NUM_GT','value':'5'}",
                     "{'properties':{'n':5}}"));
    ck_assert(holds("{'contextName':'n','operator':'NUM_GTE','value':'5'}",
                    "{'properties':{'n':5}}"));
    ck_assert(holds("{'contextName':'n','operator':'NUM_LT','value':'1e3'}",
                    "{'properties':{'n':'999.5'}}"));
    ck_assert(holds("{'contextName':'n','operator':'NUM_LTE','value':'-1'}",
                    "{'properties':{'n':'-1'}}"));
    ck_assert(!holds("{'contextName':'n','operator':'NUM_EQ','value':'5'}",
                     "{'properties':{'n':'5x'}}"));
    ck_assert(!holds("{'contextName':'n','operator':'NUM_EQ','value':'x'}",
                     "{'properties':{'n':'5'}}"));
    ck_assert(
        !holds("{'contextName':'n','operator':'NUM_LT','value':'5'}", "{}"));
    ck_assert(holds("{'contextName':'n','operator':'NUM_LT','value':'5',"
                    "'inverted':true}",
                    "{}"));
}
END_TEST

START_TEST(date_operators)
{
    const char *after = "{'contextName':'currentTime','operator':"
                        "'DATE_AFTER','value':'2024-06-01T12:00:00.000Z'}";
    const char *before = "{'contextName':'currentTime','operator':"
                         "'DATE_BEFORE','value':'2024-06-01T12:00:00Z'}";

    ck_assert(holds(after, "{'currentTime':'2024-06-01T12:00:00.001Z'}"));
    ck_assert(!holds(after, "{'currentTime':'2024-06-01T12:00:00.000Z'}"));
    ck_assert(!holds(after, "{'currentTime':'2024-06-01T13:00:00+01:00'}"));
    ck_assert(holds(before, "{'currentTime':'2024-05-31'}"));
    ck_assert(!holds(before, "{'currentTime':'2024-06-02'}"));
    ck_assert(!holds(before, "{'currentTime':'yesterday'}"));
    /* Without currentTime the clock decides: now is after 2024. */
    ck_assert(holds(after, "{}"));
    ck_assert(!holds(before, "{}"));
    ck_assert(!holds("{'contextName':'currentTime','operator':'DATE_AFTER',"
                     "'value':'not a date'}",
                     "{}"));
}
END_TEST

START_TEST(semver_operators)
{
    const char *gt = "{'contextName':'v','operator':'SEMVER_GT',"
                     "'value':'1.0.0-beta.2'}";
    const char *eq = "{'contextName':'v','operator':'SEMVER_EQ',"
                     "'value':'v2.0.0'}";
    const char *lt = "{'contextName':'v','operator':'SEMVER_LT',"
                     "'value':'1.0.0'}";

    ck_assert(holds(gt, "{'properties':{'v':'1.0.0-beta.11'}}"));
    ck_assert(holds(gt, "{'properties':{'v':'1.0.0-rc.1'}}"));
    ck_assert(holds(gt, "{'properties':{'v':'1.0.0'}}"));
    ck_assert(!holds(gt, "{'properties':{'v':'1.0.0-beta'}}"));
    ck_assert(!holds(gt, "{'properties':{'v':'1.0.0-alpha.9'}}"));
    ck_assert(holds(eq, "{'properties':{'v':'2.0.0+build.5'}}"));
    ck_assert(!holds(eq, "{'properties':{'v':'v2.0.0'}}"));
    ck_assert(holds(lt, "{'properties':{'v':'1.0.0-rc.1'}}"));
    ck_assert(!holds(lt, "{'properties':{'v':'1.0'}}"));
    ck_assert(!holds(lt, "{'properties':{'v':'01.0.0'}}"));
    ck_assert(!holds(lt, "{}"));
    ck_assert(!holds("{'contextName':'v','operator':'SEMVER_LT',"
                     "'value':'junk'}",
                     "{'properties':{'v':'0.0.1'}}"));
}
END_TEST

START_TEST(regex_and_cidr_operators)
{
    const char *re = "{'contextName':'userId','operator':'REGEX',"
                     "'value':'^user\\\\d{2}$'}";
    const char *cidr = "{'contextName':'remoteAddress','operator':"
                       "'IN_CIDR','values':['10.1.0.0/16','fd00::/8',"
                       "'junk']}";

    ck_assert(holds(re, "{'userId':'user42'}"));
    ck_assert(!holds(re, "{'userId':'user421'}"));
    ck_assert(!holds(re, "{}"));
    ck_assert(holds("{'contextName':'userId','operator':'REGEX',"
                    "'value':'^ABC$','caseInsensitive':true}",
                    "{'userId':'abc'}"));
    ck_assert(holds(cidr, "{'remoteAddress':'10.1.200.3'}"));
    ck_assert(!holds(cidr, "{'remoteAddress':'10.2.0.1'}"));
    ck_assert(holds(cidr, "{'remoteAddress':'fd12::1'}"));
    ck_assert(!holds(cidr, "{'remoteAddress':'fe80::1'}"));
    ck_assert(!holds(cidr, "{'remoteAddress':'junk'}"));
}
END_TEST

START_TEST(unknown_operator)
{
    ck_assert(!holds("{'contextName':'userId','operator':'LIKE',"
                     "'values':['a']}",
                     "{'userId':'a'}"));
    /* Inversion does not rescue an operator nobody knows. */
    ck_assert(!holds("{'contextName':'userId','operator':'LIKE',"
                     "'values':['a'],'inverted':true}",
                     "{'userId':'b'}"));
}
END_TEST

/* ---- variants --------------------------------------------------------- */

/* The name of the variant with bucket b among weights 1..1000. */
static const char *expected_of_three(uint32_t b)
{
    return b <= 200 ? "a" : b <= 700 ? "b" : "c";
}

START_TEST(variant_weighted_pick)
{
    struct vx_flagset *fs = flags(
        "[{'name':'f','enabled':true,'strategies':[],'variants':["
        "{'name':'a','weight':200,'payload':{'type':'string','value':'pa'}},"
        "{'name':'z','weight':0},{'name':'b','weight':500},"
        "{'name':'c','weight':300}]},"
        "{'name':'off','enabled':false,'variants':[{'name':'a',"
        "'weight':1000}]},"
        "{'name':'plain','enabled':true}]");
    const char *users[] = {"1", "2", "3", "alice", "bob", "carol", "dave"};
    struct vx_variant_result r;
    struct vx_context ctx;
    bool fe;

    for (size_t i = 0; i < sizeof(users) / sizeof(*users); i++) {
        uint32_t b = vx_bucket("f", users[i], VX_VARIANT_SEED, 1000);
        char text[64];

        snprintf(text, sizeof(text), "{'userId':'%s'}", users[i]);
        ck_assert_str_eq(variant(fs, "f", text, NULL), expected_of_three(b));
        /* Without userId the sessionId, then remoteAddress, sticks. */
        snprintf(text, sizeof(text), "{'sessionId':'%s'}", users[i]);
        ck_assert_str_eq(variant(fs, "f", text, NULL), expected_of_three(b));
        snprintf(text, sizeof(text), "{'remoteAddress':'%s'}", users[i]);
        ck_assert_str_eq(variant(fs, "f", text, NULL), expected_of_three(b));
    }

    vx_context_init(&ctx);
    vx_context_set(&ctx, "userId", "1");
    vx_eval_variant(fs, "f", &ctx, &r);
    ck_assert(r.enabled && r.feature_enabled);
    if (!strcmp(r.name, "a")) {
        ck_assert_str_eq(r.payload_type, "string");
        ck_assert_str_eq(r.payload_value, "pa");
    } else {
        ck_assert_ptr_null(r.payload_type);
    }
    vx_context_release(&ctx);

    ck_assert_str_eq(variant(fs, "off", "{}", &fe), "disabled");
    ck_assert(!fe);
    ck_assert_str_eq(variant(fs, "plain", "{}", &fe), "disabled");
    ck_assert(fe);
    ck_assert_str_eq(variant(fs, "nothing", "{}", &fe), "disabled");
    ck_assert(!fe);
    vx_flagset_free(fs);
}
END_TEST

START_TEST(variant_overrides_and_stickiness)
{
    struct vx_flagset *fs =
        flags("[{'name':'f','enabled':true,'variants':["
              "{'name':'a','weight':500,'stickiness':'org'},"
              "{'name':'b','weight':500,'overrides':[{'contextName':'userId',"
              "'values':['vip','boss']},{'contextName':'plan','values':"
              "['gold']}]}]},"
              "{'name':'zero','enabled':true,'variants':[{'name':'a',"
              "'weight':0,'overrides':[{'contextName':'userId','values':"
              "['vip']}]}]},"
              "{'name':'half','enabled':true,'variants':[{'name':'a',"
              "'weight':0.5}]}]");
    uint32_t b = vx_bucket("f", "acme", VX_VARIANT_SEED, 1000);

    ck_assert_str_eq(variant(fs, "f", "{'userId':'vip'}", NULL), "b");
    ck_assert_str_eq(variant(fs, "f", "{'properties':{'plan':'gold'}}", NULL),
                     "b");
    /* The first variant's stickiness applies to the whole pick. */
    ck_assert_str_eq(
        variant(fs, "f", "{'userId':'x','properties':{'org':'acme'}}", NULL),
        b <= 500 ? "a" : "b");
    /* With nothing to weigh there is no variant, override or not. */
    ck_assert_str_eq(variant(fs, "zero", "{'userId':'vip'}", NULL), "disabled");
    ck_assert_str_eq(variant(fs, "half", "{'userId':'u'}", NULL), "disabled");
    vx_flagset_free(fs);
}
END_TEST

START_TEST(strategy_variants_win)
{
    struct vx_flagset *fs =
        flags("[{'name':'f','enabled':true,'variants':[{'name':'flag',"
              "'weight':1000}],'strategies':["
              "{'name':'default','constraints':[{'contextName':'userId',"
              "'operator':'IN','values':['s']}],'variants':[{'name':'strat',"
              "'weight':1000,'payload':{'type':'json','value':'{}'}}]},"
              "{'name':'default','constraints':[{'contextName':'userId',"
              "'operator':'IN','values':['z']}],'variants':[{'name':'none',"
              "'weight':0}]},"
              "{'name':'default'}]}]");
    struct vx_variant_result r;
    struct vx_context ctx;

    vx_context_init(&ctx);
    vx_context_set(&ctx, "userId", "s");
    vx_eval_variant(fs, "f", &ctx, &r);
    ck_assert_str_eq(r.name, "strat");
    ck_assert_str_eq(r.payload_type, "json");
    ck_assert_str_eq(r.payload_value, "{}");
    vx_context_release(&ctx);
    ck_assert_str_eq(variant(fs, "f", "{'userId':'t'}", NULL), "flag");
    /* A matching strategy without a usable variant falls back. */
    ck_assert_str_eq(variant(fs, "f", "{'userId':'z'}", NULL), "flag");
    vx_flagset_free(fs);
}
END_TEST

/* ---- dependencies ----------------------------------------------------- */

START_TEST(parent_dependencies)
{
    struct vx_flagset *fs = flags(
        "[{'name':'p_on','enabled':true,'variants':[{'name':'v1',"
        "'weight':1000}]},"
        "{'name':'p_off','enabled':false},"
        "{'name':'p_user','enabled':true,'strategies':[{'name':"
        "'userWithId','parameters':{'userIds':'u'}}]},"
        "{'name':'c1','enabled':true,'dependencies':[{'feature':'p_on'}]},"
        "{'name':'c2','enabled':true,'dependencies':[{'feature':'p_off'}]},"
        "{'name':'c3','enabled':true,'dependencies':[{'feature':'p_off',"
        "'enabled':false}]},"
        "{'name':'c4','enabled':true,'dependencies':[{'feature':'p_on',"
        "'variants':['v1','v2']}]},"
        "{'name':'c5','enabled':true,'dependencies':[{'feature':'p_on',"
        "'variants':['v2']}]},"
        "{'name':'c6','enabled':true,'dependencies':[{'feature':'nope'}]},"
        "{'name':'c7','enabled':true,'dependencies':[{'feature':'c1'}]},"
        "{'name':'c8','enabled':false,'dependencies':[{'feature':'p_on'}]},"
        "{'name':'c9','enabled':true,'dependencies':[{'feature':'p_user'},"
        "{'feature':'p_off','enabled':false}]}]");
    bool fe;

    ck_assert(on(fs, "c1", "{}"));
    ck_assert(!on(fs, "c2", "{}"));
    ck_assert(on(fs, "c3", "{}"));
    ck_assert(on(fs, "c4", "{}"));
    ck_assert(!on(fs, "c5", "{}"));
    ck_assert(!on(fs, "c6", "{}"));
    /* A parent that has parents of its own fails: one level only. */
    ck_assert(!on(fs, "c7", "{}"));
    ck_assert(!on(fs, "c8", "{}"));
    ck_assert(on(fs, "c9", "{'userId':'u'}"));
    ck_assert(!on(fs, "c9", "{'userId':'w'}"));
    ck_assert_str_eq(variant(fs, "c5", "{}", &fe), "disabled");
    ck_assert(!fe);
    vx_flagset_free(fs);
}
END_TEST

/* ---- helpers ---------------------------------------------------------- */

START_TEST(js_numbers)
{
    double d;
    char buf[32];

    ck_assert(vx_js_number("", &d) && d == 0);
    ck_assert(vx_js_number("  42 ", &d) && d == 42);
    ck_assert(vx_js_number("-1.5e2", &d) && d == -150);
    ck_assert(vx_js_number(".5", &d) && d == 0.5);
    ck_assert(vx_js_number("5.", &d) && d == 5);
    ck_assert(vx_js_number("0x1F", &d) && d == 31);
    ck_assert(vx_js_number("0b101", &d) && d == 5);
    ck_assert(vx_js_number("0o17", &d) && d == 15);
    ck_assert(vx_js_number("-Infinity", &d) && d < -1e308);
    ck_assert(!vx_js_number("-0x10", &d));
    ck_assert(!vx_js_number("1,5", &d));
    ck_assert(!vx_js_number("nan", &d));
    ck_assert(!vx_js_number("inf", &d));
    ck_assert(!vx_js_number("1e", &d));
    ck_assert(!vx_js_number(".", &d));
    ck_assert(!vx_js_number(NULL, &d));

    ck_assert_str_eq(vx_js_number_str(100, buf, sizeof(buf)), "100");
    ck_assert_str_eq(vx_js_number_str(-0.0, buf, sizeof(buf)), "0");
    ck_assert_str_eq(vx_js_number_str(0.1, buf, sizeof(buf)), "0.1");
    ck_assert_str_eq(vx_js_number_str(123.456, buf, sizeof(buf)), "123.456");
    ck_assert_str_eq(vx_js_number_str(1e21, buf, sizeof(buf)), "1e+21");
    ck_assert_str_eq(vx_js_number_str(1e20, buf, sizeof(buf)),
                     "100000000000000000000");
    ck_assert_str_eq(vx_js_number_str(0.000001, buf, sizeof(buf)), "0.000001");
    ck_assert_str_eq(vx_js_number_str(1.5e-7, buf, sizeof(buf)), "1.5e-7");
    ck_assert_str_eq(vx_js_number_str(-2.5e30, buf, sizeof(buf)), "-2.5e+30");
}
END_TEST

/* Compare two versions, both of which must parse. */
static int vcmp(const char *a, const char *b)
{
    struct vx_semver va, vb;
    int c;

    ck_assert_msg(vx_semver_parse(a, false, &va), "%s", a);
    ck_assert_msg(vx_semver_parse(b, false, &vb), "%s", b);
    c = vx_semver_cmp(&va, &vb);
    vx_semver_release(&va);
    vx_semver_release(&vb);
    return c;
}

START_TEST(semver_precedence)
{
    const char *order[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                           "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                           "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                           "1.1.0",       "2.0.0"};
    size_t n = sizeof(order) / sizeof(*order);
    struct vx_semver v;

    for (size_t i = 0; i + 1 < n; i++) {
        ck_assert_msg(vcmp(order[i], order[i + 1]) < 0, "%s < %s", order[i],
                      order[i + 1]);
        ck_assert(vcmp(order[i + 1], order[i]) > 0);
        ck_assert(vcmp(order[i], order[i]) == 0);
    }
    ck_assert(vcmp("1.0.0+a", "1.0.0+b") == 0);
    ck_assert(vcmp("1.0.0-1", "1.0.0-a") < 0);
    ck_assert(vcmp("1.0.0-99999999999999999999", "1.0.0-100") > 0);

    ck_assert(vx_semver_parse(" v1.2.3 ", true, &v));
    ck_assert(v.major == 1 && v.minor == 2 && v.patch == 3);
    vx_semver_release(&v);
    ck_assert(!vx_semver_parse("v1.2.3", false, &v));
    ck_assert(!vx_semver_parse("1.2", false, &v));
    ck_assert(!vx_semver_parse("1.2.3.4", false, &v));
    ck_assert(!vx_semver_parse("1.02.3", false, &v));
    ck_assert(!vx_semver_parse("1.2.3-01", false, &v));
    ck_assert(!vx_semver_parse("1.2.3-", false, &v));
    ck_assert(!vx_semver_parse("1.2.3-a..b", false, &v));
    ck_assert(!vx_semver_parse("1.2.3+", false, &v));
    ck_assert(!vx_semver_parse("9007199254740992.0.0", false, &v));
    ck_assert(vx_semver_parse("1.2.3-0a.00a+001", false, &v));
    ck_assert_str_eq(v.pre, "0a.00a");
    vx_semver_release(&v);
}
END_TEST

START_TEST(ip_ranges)
{
    struct vx_ip_range r, ip;

    ck_assert(vx_ip_range_parse("192.168.0.0/23", &r));
    ck_assert(vx_ip_addr_parse("192.168.1.255", &ip));
    ck_assert(vx_ip_in_range(&ip, &r));
    ck_assert(vx_ip_addr_parse("192.168.2.0", &ip));
    ck_assert(!vx_ip_in_range(&ip, &r));
    ck_assert(vx_ip_range_parse("0.0.0.0/0", &r));
    ck_assert(vx_ip_in_range(&ip, &r));
    ck_assert(vx_ip_range_parse("2001:db8::/33", &r));
    ck_assert(vx_ip_addr_parse("2001:db8:7fff::1", &ip));
    ck_assert(vx_ip_in_range(&ip, &r));
    ck_assert(vx_ip_addr_parse("2001:db8:8000::1", &ip));
    ck_assert(!vx_ip_in_range(&ip, &r));
    ck_assert(vx_ip_addr_parse("10.0.0.1", &ip));
    ck_assert(!vx_ip_in_range(&ip, &r)); /* families differ */
    ck_assert(!vx_ip_range_parse("10.0.0.0/33", &r));
    ck_assert(!vx_ip_range_parse("10.0.0.0/", &r));
    ck_assert(!vx_ip_range_parse("10.0.0.0/8x", &r));
    ck_assert(!vx_ip_range_parse("127.invalid", &r));
    ck_assert(!vx_ip_addr_parse("10.0.0.0/8", &ip));
}
END_TEST

/* Whether the RE2 pattern matches s. */
static bool re2_matches(const char *pattern, const char *s)
{
    regex_t *re = vx_regex_compile(pattern, false);
    bool hit;

    ck_assert_msg(re != NULL, "refused: %s", pattern);
    hit = vx_regex_match(re, s);
    vx_regex_free(re);
    return hit;
}

START_TEST(re2_patterns)
{
    ck_assert(re2_matches("^\\d+\\.\\d+$", "12.5"));
    ck_assert(!re2_matches("^\\d+\\.\\d+$", "12x5"));
    ck_assert(re2_matches("^\\w+\\s\\S$", "ab_9 x"));
    ck_assert(re2_matches("^[\\d\\-]+$", "12-34"));
    ck_assert(!re2_matches("^[^\\d]+$", "a1"));
    ck_assert(re2_matches("^(?:ab)+$", "abab"));
    ck_assert(re2_matches("^(?P<n>a)b$", "ab"));
    ck_assert(re2_matches("(?i)^HeLLo$", "hello"));
    ck_assert(!re2_matches("^a.c$", "a\nc"));
    ck_assert(re2_matches("(?s)^a.c$", "a\nc"));
    ck_assert(re2_matches("(?m)^b$", "a\nb\nc"));
    ck_assert(!re2_matches("^b$", "a\nb\nc"));
    ck_assert(re2_matches("^a+?$", "aaa"));
    ck_assert(re2_matches("^\\<\\>$", "<>"));
    ck_assert(re2_matches("\\bword\\b", "a word here"));
    ck_assert_ptr_null(vx_regex_compile("(?=a)", false));
    ck_assert_ptr_null(vx_regex_compile("(?<!a)b", false));
    ck_assert_ptr_null(vx_regex_compile("(a)\\1", false));
    ck_assert_ptr_null(vx_regex_compile("\\p{Greek}", false));
    ck_assert_ptr_null(vx_regex_compile("(unclosed", false));
    ck_assert_ptr_null(vx_regex_compile("[a-", false));
    ck_assert_ptr_null(vx_regex_compile(NULL, false));
}
END_TEST

/* Normalise q(text) and return the weights joined by ','. */
static int normalise(const char *text, char *out, size_t len,
                     struct vx_err *err)
{
    json_t *v = js(text), *e;
    size_t i, used = 0;
    int rc = vx_variants_normalise(v, err);

    out[0] = '\0';
    json_array_foreach (v, i, e) {
        used += (size_t)snprintf(
            out + used, len - used, "%s%lld", i ? "," : "",
            (long long)json_integer_value(json_object_get(e, "weight")));
    }
    json_decref(v);
    return rc;
}

START_TEST(variant_normalisation)
{
    struct vx_err err = {0};
    char w[128];
    json_t *v;

    ck_assert_int_eq(normalise("[{'name':'a'},{'name':'b'},{'name':'c'}]", w,
                               sizeof(w), &err),
                     0);
    ck_assert_str_eq(w, "334,333,333");
    ck_assert_int_eq(
        normalise("[{'name':'a','weight':5,'weightType':'variable'},"
                  "{'name':'f','weight':100,'weightType':'fix'},"
                  "{'name':'b','weightType':'variable'},{'name':'c'}]",
                  w, sizeof(w), &err),
        0);
    ck_assert_str_eq(w, "300,100,300,300");
    ck_assert_int_eq(normalise("[{'name':'f','weight':999,'weightType':'fix'},"
                               "{'name':'a'},{'name':'b'}]",
                               w, sizeof(w), &err),
                     0);
    ck_assert_str_eq(w, "999,1,0");
    ck_assert_int_eq(normalise("[]", w, sizeof(w), &err), 0);

    ck_assert_int_eq(normalise("[{'name':'f','weight':1000,"
                               "'weightType':'fix'}]",
                               w, sizeof(w), &err),
                     VX_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "variable"));
    ck_assert_int_eq(normalise("[{'name':'f','weight':600,'weightType':"
                               "'fix'},{'name':'g','weight':500,"
                               "'weightType':'fix'},{'name':'a'}]",
                               w, sizeof(w), &err),
                     VX_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "1100"));
    ck_assert_int_eq(normalise("[{'name':'f','weight':'5','weightType':"
                               "'fix'},{'name':'a'}]",
                               w, sizeof(w), &err),
                     VX_EINVAL);
    ck_assert_str_eq(err.path, "/0");
    ck_assert_int_eq(
        normalise("[{'name':'a','weightType':'half'}]", w, sizeof(w), &err),
        VX_EINVAL);
    ck_assert_int_eq(normalise("[{'weight':1}]", w, sizeof(w), &err),
                     VX_EINVAL);
    v = js("{}");
    ck_assert_int_eq(vx_variants_normalise(v, &err), VX_EINVAL);
    json_decref(v);

    v = js("[{'name':'a'}]");
    ck_assert_int_eq(vx_variants_normalise(v, NULL), 0);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(v, 0), "weightType")),
        "variable");
    json_decref(v);
}
END_TEST

/* ---- threads ---------------------------------------------------------- */

#define THREAD_USERS 2000

struct thread_job {
    const struct vx_flagset *fs;
    const char **expected; /* variant name per user */
    int mismatches;
};

/* Evaluate every user again on a thread and count disagreements. */
static void *evaluate_users(void *arg)
{
    struct thread_job *job = arg;
    struct vx_variant_result r;
    struct vx_context ctx;
    char id[16];

    vx_context_init(&ctx);
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < THREAD_USERS; i++) {
            snprintf(id, sizeof(id), "u%d", i);
            vx_context_set(&ctx, "userId", id);
            vx_eval_variant(job->fs, "f", &ctx, &r);
            if (strcmp(r.name, job->expected[i]))
                job->mismatches++;
        }
    }
    vx_context_release(&ctx);
    return NULL;
}

START_TEST(shared_between_threads)
{
    struct vx_flagset *fs = flags(
        "[{'name':'p','enabled':true,'strategies':[{'name':"
        "'flexibleRollout','parameters':{'rollout':'70'}}]},"
        "{'name':'f','enabled':true,'dependencies':[{'feature':'p'}],"
        "'strategies':[{'name':'default','constraints':[{'contextName':"
        "'userId','operator':'REGEX','value':'^u\\\\d*[0-8]$'}]}],"
        "'variants':[{'name':'a','weight':300},{'name':'b','weight':700}]}]");
    static const char *expected[THREAD_USERS];
    struct thread_job jobs[4];
    pthread_t threads[4];
    struct vx_variant_result r;
    struct vx_context ctx;
    char id[16];
    int seen_a = 0, seen_b = 0, seen_off = 0;

    vx_context_init(&ctx);
    for (int i = 0; i < THREAD_USERS; i++) {
        snprintf(id, sizeof(id), "u%d", i);
        vx_context_set(&ctx, "userId", id);
        vx_eval_variant(fs, "f", &ctx, &r);
        expected[i] = r.name;
        seen_a += !strcmp(r.name, "a");
        seen_b += !strcmp(r.name, "b");
        seen_off += !r.feature_enabled;
    }
    vx_context_release(&ctx);
    ck_assert(seen_a > 0 && seen_b > 0 && seen_off > 0);

    for (int t = 0; t < 4; t++) {
        jobs[t] = (struct thread_job){fs, expected, 0};
        ck_assert_int_eq(
            pthread_create(&threads[t], NULL, evaluate_users, &jobs[t]), 0);
    }
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        ck_assert_int_eq(jobs[t].mismatches, 0);
    }
    vx_flagset_free(fs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("eval");
    TCase *ctx = tcase_create("context");
    TCase *strat = tcase_create("strategies");
    TCase *cons = tcase_create("constraints");
    TCase *var = tcase_create("variants");
    TCase *help = tcase_create("helpers");
    TCase *threads = tcase_create("threads");
    SRunner *sr;
    int failed;

    tcase_add_test(ctx, context_fields_and_properties);
    tcase_add_test(ctx, context_from_bad_json);
    tcase_add_test(strat, feature_states);
    tcase_add_test(strat, flexible_rollout);
    tcase_add_test(strat, user_with_id);
    tcase_add_test(strat, remote_address);
    tcase_add_test(strat, application_hostname);
    tcase_add_test(strat, gradual_rollouts);
    tcase_add_test(strat, segments);
    tcase_add_test(strat, parent_dependencies);
    tcase_add_test(cons, in_and_not_in);
    tcase_add_test(cons, string_operators);
    tcase_add_test(cons, number_operators);
    tcase_add_test(cons, date_operators);
    tcase_add_test(cons, semver_operators);
    tcase_add_test(cons, regex_and_cidr_operators);
    tcase_add_test(cons, unknown_operator);
    tcase_add_test(var, variant_weighted_pick);
    tcase_add_test(var, variant_overrides_and_stickiness);
    tcase_add_test(var, strategy_variants_win);
    tcase_add_test(var, variant_normalisation);
    tcase_add_test(help, js_numbers);
    tcase_add_test(help, semver_precedence);
    tcase_add_test(help, ip_ranges);
    tcase_add_test(help, re2_patterns);
    tcase_add_test(threads, shared_between_threads);
    suite_add_tcase(s, ctx);
    suite_add_tcase(s, strat);
    suite_add_tcase(s, cons);
    suite_add_tcase(s, var);
    suite_add_tcase(s, help);
    suite_add_tcase(s, threads);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
