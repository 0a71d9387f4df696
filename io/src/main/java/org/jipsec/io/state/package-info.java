/**
 * The state directory of jipsecd (issue #12): the files behind {@link org.jipsec.core.seqstate.SequenceStateTable} —
 * a lock, the fingerprint salt and the sequence state file — and the thread that writes the table's plans ahead of
 * the packet path.
 */
package org.jipsec.io.state;
