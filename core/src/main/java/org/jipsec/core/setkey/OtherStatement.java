package org.jipsec.core.setkey;

/**
 * A statement this parser recognises but does not model yet ({@code delete}, {@code get}, {@code flush},
 * {@code dump}, {@code spddelete}, …): its verb and line, so that a caller can say it ignored it.
 */
public record OtherStatement(int line, String verb) implements SetkeyStatement {}
