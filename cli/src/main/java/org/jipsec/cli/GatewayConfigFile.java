package org.jipsec.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jipsec.core.config.ConfigException;
import org.jipsec.core.config.ConfigPlan;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.io.gateway.ConfigReloader;

/**
 * {@code gateway --config FILE} as a {@link ConfigReloader.Source}: the file read as setkey reads it (host names
 * resolved as setkey resolves them) and validated completely ({@link ConfigPlan}); every refusal names the file.
 */
final class GatewayConfigFile {

    private GatewayConfigFile() {}

    static ConfigReloader.Source of(Path file) {
        return () -> {
            String text;
            try {
                text = new String(SetkeyCommand.readFileBytes(file.toString()), StandardCharsets.UTF_8);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new ConfigException(file + ": Permission denied");
            } catch (IOException e) {
                throw new ConfigException(e.getMessage());
            }
            try {
                return ConfigPlan.parse(text, SetkeyCommand::resolve, AlgorithmCatalog.TABLE);
            } catch (ConfigException e) {
                throw new ConfigException(file + ": " + e.getMessage());
            }
        };
    }
}
