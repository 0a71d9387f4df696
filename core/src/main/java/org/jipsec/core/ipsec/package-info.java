/**
 * Value types shared by the SAD, the SPD, the PF_KEY codec and the transforms: protocols, modes, levels, policy
 * types and directions with their NetBSD numbers (netipsec/ipsec.h, net/pfkeyv2.h; spec §1.6–§1.7), endpoints,
 * IPsec requests and the KAME x_policy value.
 */
package org.jipsec.core.ipsec;
