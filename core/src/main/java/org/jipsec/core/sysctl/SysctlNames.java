package org.jipsec.core.sysctl;

/** Names of the sysctl variables jipsec serves (spec §5), as constants for the engines. */
public final class SysctlNames {
    private SysctlNames() {}

    public static final String INET_IPSEC = "net.inet.ipsec.";
    public static final String INET6_IPSEC6 = "net.inet6.ipsec6.";
    public static final String KEY = "net.key.";

    // spec §5.1
    public static final String IPSEC_DEF_POLICY = INET_IPSEC + "def_policy";
    public static final String IPSEC_ESP_TRANS_DEFLEV = INET_IPSEC + "esp_trans_deflev";
    public static final String IPSEC_ESP_NET_DEFLEV = INET_IPSEC + "esp_net_deflev";
    public static final String IPSEC_AH_TRANS_DEFLEV = INET_IPSEC + "ah_trans_deflev";
    public static final String IPSEC_AH_NET_DEFLEV = INET_IPSEC + "ah_net_deflev";
    public static final String IPSEC_AH_CLEARTOS = INET_IPSEC + "ah_cleartos";
    public static final String IPSEC_AH_OFFSETMASK = INET_IPSEC + "ah_offsetmask";
    public static final String IPSEC_DFBIT = INET_IPSEC + "dfbit";
    public static final String IPSEC_ECN = INET_IPSEC + "ecn";
    public static final String IPSEC_DEBUG = INET_IPSEC + "debug";
    public static final String IPSEC_IPIP_SPOOFCHECK = INET_IPSEC + "ipip_spoofcheck";
    public static final String IPSEC_STATS = INET_IPSEC + "ipsecstats";
    public static final String IPSEC_ENABLED = INET_IPSEC + "enabled";
    public static final String IPSEC_USED = INET_IPSEC + "used";
    public static final String IPSEC_AH_ENABLE = INET_IPSEC + "ah_enable";
    public static final String IPSEC_ESP_ENABLE = INET_IPSEC + "esp_enable";
    public static final String IPSEC_IPCOMP_ENABLE = INET_IPSEC + "ipcomp_enable";
    public static final String IPSEC_CRYPTO_SUPPORT = INET_IPSEC + "crypto_support";
    public static final String IPSEC_TEST_REPLAY = INET_IPSEC + "test_replay";
    public static final String IPSEC_TEST_INTEGRITY = INET_IPSEC + "test_integrity";

    // spec §5.2
    public static final String IPSEC6_STATS = INET6_IPSEC6 + "stats";
    public static final String IPSEC6_DEF_POLICY = INET6_IPSEC6 + "def_policy";
    public static final String IPSEC6_ESP_TRANS_DEFLEV = INET6_IPSEC6 + "esp_trans_deflev";
    public static final String IPSEC6_ESP_NET_DEFLEV = INET6_IPSEC6 + "esp_net_deflev";
    public static final String IPSEC6_AH_TRANS_DEFLEV = INET6_IPSEC6 + "ah_trans_deflev";
    public static final String IPSEC6_AH_NET_DEFLEV = INET6_IPSEC6 + "ah_net_deflev";
    public static final String IPSEC6_ECN = INET6_IPSEC6 + "ecn";
    public static final String IPSEC6_DEBUG = INET6_IPSEC6 + "debug";
    public static final String IPSEC6_ENABLED = INET6_IPSEC6 + "enabled";
    public static final String IPSEC6_USED = INET6_IPSEC6 + "used";

    // spec §5.3
    public static final String IPIP_STATS = "net.inet.ipip.ipip_stats";
    public static final String ESP_STATS = "net.inet.esp.esp_stats";
    public static final String AH_STATS = "net.inet.ah.ah_stats";
    public static final String IPCOMP_STATS = "net.inet.ipcomp.ipcomp_stats";

    // spec §5.4
    public static final String KEY_DEBUG = KEY + "debug";
    public static final String KEY_SPI_TRY = KEY + "spi_try";
    public static final String KEY_SPI_MIN_VALUE = KEY + "spi_min_value";
    public static final String KEY_SPI_MAX_VALUE = KEY + "spi_max_value";
    public static final String KEY_RANDOM_INT = KEY + "random_int";
    public static final String KEY_LARVAL_LIFETIME = KEY + "larval_lifetime";
    public static final String KEY_BLOCKACQ_COUNT = KEY + "blockacq_count";
    public static final String KEY_BLOCKACQ_LIFETIME = KEY + "blockacq_lifetime";
    public static final String KEY_ESP_KEYMIN = KEY + "esp_keymin";
    public static final String KEY_ESP_AUTH = KEY + "esp_auth";
    public static final String KEY_AH_KEYMIN = KEY + "ah_keymin";
    public static final String KEY_PREFERED_OLDSA = KEY + "prefered_oldsa";
    public static final String KEY_DUMPSA = KEY + "dumpsa";
    public static final String KEY_DUMPSP = KEY + "dumpsp";
    public static final String KEY_STATS = KEY + "stats";
}
