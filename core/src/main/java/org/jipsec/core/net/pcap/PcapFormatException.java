package org.jipsec.core.net.pcap;

/** A capture file does not parse: bad magic, an impossible length, a record cut short. */
public final class PcapFormatException extends Exception {
    public PcapFormatException(String message) {
        super(message, null, false, false);
    }
}
