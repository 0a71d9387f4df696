package org.jipsec.core.setkey;

import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;

/**
 * {@code getspi [-46n] src[port] dst[port] proto spi ext* ;} (NetBSD's setkey, as tests/net/ipsec/t_ipsec_misc.sh
 * {@code ipsec_getspi_update_sa_*} uses it): SADB_GETSPI for exactly that SPI (a one-value SPIRANGE), which leaves a
 * larval SA that a later {@code update} from the same process fills in (key.c key_api_getspi, key_api_update). The
 * extensions' lifetimes are read and not sent (GETSPI carries none).
 */
public record GetspiStatement(int line, Endpoint src, Endpoint dst, SaType saType, long spi, IpsecMode mode, int reqid)
        implements SetkeyStatement {}
