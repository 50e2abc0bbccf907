/*
 * Address and CIDR parsing with inet_pton(), and prefix matching.
 */
#include "eval/ipaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* Try IPv4, then IPv6, with inet_pton(). */
bool vx_ip_addr_parse(const char *s, struct vx_ip_range *r)
{
    memset(r, 0, sizeof(*r));
    if (!s)
        return false;
    if (inet_pton(AF_INET, s, r->addr) == 1) {
        r->family = 4;
        r->prefix = 32;
        return true;
    }
    if (inet_pton(AF_INET6, s, r->addr) == 1) {
        r->family = 6;
        r->prefix = 128;
        return true;
    }
    return false;
}

/* Split "address/prefix", check both halves. */
bool vx_ip_range_parse(const char *s, struct vx_ip_range *r)
{
    const char *slash = s ? strchr(s, '/') : NULL;
    char host[64];
    size_t n;
    long prefix;
    char *end;

    if (!slash)
        return vx_ip_addr_parse(s, r);

    memset(r, 0, sizeof(*r));
    n = (size_t)(slash - s);
    if (n >= sizeof(host) || slash[1] < '0' || slash[1] > '9')
        return false;
    memcpy(host, s, n);
    host[n] = '\0';
    prefix = strtol(slash + 1, &end, 10);
    if (*end || !vx_ip_addr_parse(host, r))
        return false;

    if (prefix > (r->family == 4 ? 32 : 128)) {
        memset(r, 0, sizeof(*r));
        return false;
    }
    r->prefix = (int)prefix;
    return true;
}

/* Compare the first prefix bits of both addresses. */
bool vx_ip_in_range(const struct vx_ip_range *ip,
                    const struct vx_ip_range *range)
{
    int full, rest;

    if (!ip->family || ip->family != range->family)
        return false;
    full = range->prefix / 8;
    rest = range->prefix % 8;
    if (memcmp(ip->addr, range->addr, (size_t)full))
        return false;
    if (rest) {
        unsigned char mask = (unsigned char)(0xff << (8 - rest));

        return (ip->addr[full] & mask) == (range->addr[full] & mask);
    }
    return true;
}
