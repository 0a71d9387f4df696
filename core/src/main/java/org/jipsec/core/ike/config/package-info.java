/**
 * swanctl.conf for {@code jipsec iked}: {@link org.jipsec.core.ike.config.SettingsParser} reads strongSwan's
 * settings syntax (sections, {@code key = value}, quotes, comments, includes) through an injected
 * {@link org.jipsec.core.ike.config.ConfigSource} (the core does no I/O);
 * {@link org.jipsec.core.ike.config.SwanctlConfig} builds the typed, validated
 * {@link org.jipsec.core.ike.config.IkeConfig} for the subset of issue #14 with strongSwan's names, meanings
 * and defaults. Every error names file and line; an unsupported key is an error, never ignored.
 */
package org.jipsec.core.ike.config;
