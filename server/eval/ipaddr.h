/*
 * IPv4 and IPv6 addresses and CIDR ranges, for the remoteAddress
 * strategy and the IN_CIDR operator. Stateless and thread-safe.
 */
#ifndef VX_IPADDR_H
#define VX_IPADDR_H

#include <stdbool.h>

struct vx_ip_range {
    int family;             /* 4 or 6; 0 when the text was not valid */
    unsigned char addr[16]; /* network order, 4 or 16 bytes used */
    int prefix;             /* 0..32 or 0..128 */
};

/*
 * Parse "10.0.0.1", "10.0.0.0/8", "2001:db8::1" or "2001:db8::/32" into
 * r. A plain address is a range of one (/32 or /128). Returns false, with
 * r->family 0, when s is neither.
 */
bool vx_ip_range_parse(const char *s, struct vx_ip_range *r);

/* Parse a plain IPv4 or IPv6 address (no prefix) into r. */
bool vx_ip_addr_parse(const char *s, struct vx_ip_range *r);

/* True when the address ip (a range of one) lies inside range. */
bool vx_ip_in_range(const struct vx_ip_range *ip,
                    const struct vx_ip_range *range);

#endif
