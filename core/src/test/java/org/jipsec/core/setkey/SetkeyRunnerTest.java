package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.Test;

/** setkey's invocation (getopt flags, modes) and its error reporting, as a user sees them. */
class SetkeyRunnerTest {

    private static final String GOOD =
            "add 192.0.2.1 192.0.2.2 esp 0x%x -E aes-cbc 0x00112233445566778899aabbccddeeff ;\n";

    @Test
    void getoptSemantics() throws Exception {
        SetkeyOptions o = SetkeyOptions.parse(List.of("-DPp", "-a"));
        assertTrue(o.dump() && o.policy() && o.ports() && o.all());
        assertEquals(2, SetkeyOptions.parse(List.of("-xx")).promisc());
        assertEquals(2, SetkeyOptions.parse(List.of("-x", "-Hx")).promisc());
        assertEquals("my.conf", SetkeyOptions.parse(List.of("-nvf", "my.conf")).file());
        assertEquals("my.conf", SetkeyOptions.parse(List.of("-fmy.conf")).file());
        SetkeyOptions files = SetkeyOptions.parse(List.of("-v", "a.bin", "-D"));
        assertEquals(List.of("a.bin", "-D"), files.files(), "the first operand ends the options");
        assertEquals(List.of("-x"), SetkeyOptions.parse(List.of("--", "-x")).files());
        assertEquals(
                "unknown option -- q",
                assertThrows(SetkeyOptions.UsageException.class, () -> SetkeyOptions.parse(List.of("-q")))
                        .getMessage());
        assertEquals(
                "option requires an argument -- f",
                assertThrows(SetkeyOptions.UsageException.class, () -> SetkeyOptions.parse(List.of("-f")))
                        .getMessage());
    }

    @Test
    void anErrorOnLine7NamesLine7AndNothingIsSent() {
        SetkeyHarness h = new SetkeyHarness();
        StringBuilder conf = new StringBuilder("# six good lines first\n");
        for (int i = 0; i < 5; i++) conf.append(String.format(GOOD, 0x1000 + i));
        conf.append("add 192.0.2.1 192.0.2.2 esp 0x2000 -E aes-cbc 0x0011 ;\n"); // line 7: a 16-bit AES key
        SetkeyHarness.Result r = h.script(conf.toString(), "-s");
        assertEquals(1, r.status());
        assertEquals(
                "line 7: Invalid key length for aes-cbc: 16 bits (allowed: 128/192/256)\nparse failed, line 7.\n",
                r.err());
        assertEquals("", r.out());
        assertEquals(0, h.engine.sad().size(), "the whole file is parsed before anything is sent");
    }

    @Test
    void syntaxErrorsAcrossLines() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r =
                h.script("flush;\nspdadd 10.0.0.0/8 10.0.0.0/8 any\n  -P out ipsec esp/tunnel/require ;\n", "-s");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("line 2: "), r.err());
        assertTrue(r.err().endsWith("parse failed, line 2.\n"), r.err());
        SetkeyHarness.Result s = h.script(
                "add 192.0.2.1 192.0.2.2 esp\n\n\n  0x1001 -E aes-cbc 0x00112233445566778899aabbccddeeff -Z ;", "-s");
        assertEquals("line 4: syntax error at [-Z]\nparse failed, line 4.\n", s.err());
        SetkeyHarness.Result q = h.script("add 192.0.2.1 192.0.2.2 esp 0x1001 -E 3des-cbc \"unterminated ;\n", "-s");
        assertEquals(1, q.status());
        assertTrue(q.err().startsWith("line 1: unterminated quoted string"), q.err());
    }

    @Test
    void refusalsAreReportedPerLineAndTheRestIsApplied() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.script(
                String.format(GOOD, 0x1000)
                        + String.format(GOOD, 0x1000) // line 2: the same SA again → EEXIST
                        + "add 192.0.2.1 192.0.2.2 esp 200 -E null ;\n" // line 3: reserved SPI → EINVAL
                        + "delete 192.0.2.9 192.0.2.2 esp 0x1000 ;\n" // line 4: no such SA
                        + String.format(GOOD, 0x1001),
                "-s");
        assertEquals(1, r.status());
        assertEquals("""
                The result of line 2: File exists.
                The result of line 3: Invalid argument.
                The result of line 4: No entry.
                """, r.out());
        assertEquals("setkey: 2 of 5 statements applied; not applied: lines 2, 3, 4.\n", r.err());
        assertEquals(2, h.engine.sad().size());
    }

    @Test
    void stdinModeHasNoLinePrefixAndExitStops() {
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = String.format(GOOD, 0x1000) + String.format(GOOD, 0x1000) + "exit;\n" + String.format(GOOD, 0x1001);
        SetkeyHarness.Result r = h.run("-s", "-c");
        assertEquals("File exists.\n", r.out());
        assertEquals(1, r.status());
        assertEquals(1, h.engine.sad().size(), "nothing after exit");
    }

    @Test
    void dashNChecksWithoutSending() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result ok =
                h.script(String.format(GOOD, 0x1000) + "spdadd 10.0.0.0/8 10.0.0.0/8 any -P out discard;", "-n");
        assertEquals(new SetkeyHarness.Result(0, "", ""), ok);
        assertEquals(0, h.engine.sad().size());
        assertEquals(0, h.engine.policies().size());
        SetkeyHarness.Result bad = h.script("spdadd 10.0.0.0/8 10.0.0.0/8 any -P sideways discard;", "-n", "-s");
        assertEquals(1, bad.status());
        assertTrue(bad.err().startsWith("line 1: "), bad.err());
    }

    @Test
    void flushModesVersionUsageAndWarnings() {
        SetkeyHarness h = new SetkeyHarness();
        h.script(String.format(GOOD, 0x1000) + "spdadd 10.0.0.0/8 10.0.0.0/8 any -P out discard;");
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-F"));
        assertEquals(0, h.engine.sad().size());
        assertEquals(1, h.engine.policies().size());
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-FP"));
        assertEquals(0, h.engine.policies().size());
        SetkeyHarness.Result v = h.run("-V");
        assertEquals(1, v.status());
        assertEquals(SetkeyRunner.VERSION + "\n", v.out());
        SetkeyHarness.Result u = h.run("-?");
        assertTrue(u.out().contains("usage: setkey [-v] file ...\n"));
        assertEquals(
                "warning: -r and -k options are not supported in this environment\n",
                h.run("-r", "-D").err());
        h.script(String.format(GOOD, 0x1000));
        SetkeyHarness.Result w = h.script("get 192.0.2.1 192.0.2.2 esp 0x1000 -m tunnel ;", "-s");
        assertEquals("WARNING: mode is obsolete\n", w.err());
    }

    @Test
    void verboseAndHexdumpShowTheMessages() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.run("-vH", "-D");
        // the request: a bare 16-byte SADB_DUMP, pid 4711 = 0x1267 little-endian
        assertTrue(r.out().contains("00000000: 02 0a 00 00 02 00 00 00 00 00 00 00 67 12 00 00 \n"), r.out());
        assertTrue(r.out().contains("sadb_msg{"), r.out());
        assertTrue(r.out().endsWith("No SAD entries.\n"), r.out());
    }

    @Test
    void rawMessageFilesArePrinted() {
        SetkeyHarness h = new SetkeyHarness();
        h.script("spdadd 10.0.0.0/8 10.0.0.0/8 any -P out discard;");
        byte[] sp = h.engine.dumpSpBytes();
        h.rawFiles.put("sp.bin", sp);
        SetkeyHarness.Result r = h.run("sp.bin");
        assertEquals(0, r.status());
        assertEquals(
                "10.0.0.0/8[any] 10.0.0.0/8[any] 255(reserved)\n\tout discard\n\tspid=1 seq=0 pid=0\n\trefcnt=0\n",
                r.out());
        h.rawFiles.put("short.bin", new byte[] {2, 10, 0, 0});
        assertEquals("invalid keymsg length\n", h.run("short.bin").out());
        PfkeyMessage m = PfkeyMessage.of(Sadb.SADB_FLUSH, 0, 0, 0, List.of());
        h.rawFiles.put("flush.bin", PfkeyCodec.encode(m));
        assertEquals("", h.run("flush.bin").out());
    }

    @Test
    void deadSasAreShownOnlyWithA() throws Exception {
        // a daemon answering SADB_DUMP with one MATURE and one DEAD SA (seq counts down to 0)
        java.util.function.IntFunction<PfkeyMessage> sa = state -> {
            try {
                return new PfkeyMessage(
                        2,
                        Sadb.SADB_DUMP,
                        0,
                        Sadb.SADB_SATYPE_ESP,
                        0,
                        state == 1 ? 1 : 0,
                        4711,
                        List.of(
                                new org.jipsec.core.pfkey.Extension.Sa(0x1000 + state, 0, state, 0, 11, 0x40),
                                new org.jipsec.core.pfkey.Extension.Sa2(0, 0, 0),
                                org.jipsec.core.pfkey.Extension.Address.of(
                                        Sadb.SADB_EXT_ADDRESS_SRC,
                                        new org.jipsec.core.ipsec.Endpoint(java.net.InetAddress.getByName("10.0.0.1"))),
                                org.jipsec.core.pfkey.Extension.Address.of(
                                        Sadb.SADB_EXT_ADDRESS_DST,
                                        new org.jipsec.core.ipsec.Endpoint(
                                                java.net.InetAddress.getByName("10.0.0.2")))));
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
        };
        KeyChannel stub = request -> List.of(sa.apply(1), sa.apply(3));
        for (boolean all : new boolean[] {false, true}) {
            java.io.StringWriter out = new java.io.StringWriter();
            SetkeyRunner.Environment env = new SetkeyRunner.Environment() {
                @Override
                public KeyChannel open() {
                    return stub;
                }

                @Override
                public String readStdin() {
                    return "";
                }

                @Override
                public String readFile(String n) {
                    return "";
                }

                @Override
                public byte[] readBytes(String n) {
                    return new byte[0];
                }

                @Override
                public HostResolver resolver() {
                    return HostResolver.NUMERIC;
                }

                @Override
                public long nowMicros() {
                    return 0;
                }

                @Override
                public java.time.ZoneId zone() {
                    return java.time.ZoneOffset.UTC;
                }

                @Override
                public void sleepOneSecond() throws InterruptedException {
                    throw new InterruptedException();
                }

                @Override
                public int pid() {
                    return 4711;
                }
            };
            int status = new SetkeyRunner(
                            env, new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()))
                    .run(SetkeyOptions.parse(all ? List.of("-Da") : List.of("-D")));
            assertEquals(0, status);
            assertEquals(all ? 2 : 1, out.toString().split("state=").length - 1, out.toString());
            assertEquals(all, out.toString().contains("state=dead "), out.toString());
        }
    }

    @Test
    void missingFileIsAClearError() {
        SetkeyHarness.Result r = new SetkeyHarness().run("-f", "nope.conf");
        assertEquals(new SetkeyHarness.Result(1, "", "setkey: nope.conf: No such file or directory\n"), r);
    }
}
