/**
 * IKE and ESP proposals: strongSwan's proposal strings ({@link org.jipsec.core.ike.proposal.ProposalParser},
 * including {@code default}) to SA payload proposals, and selection per RFC 7296 §2.7
 * ({@link org.jipsec.core.ike.proposal.ProposalSelector}) with a result that names the transform type and both
 * sides' algorithms when nothing matched. ESP algorithms resolve to PF_KEY numbers through the one algorithm
 * table ({@link org.jipsec.core.ike.crypto.IkeTransforms}).
 */
package org.jipsec.core.ike.proposal;
