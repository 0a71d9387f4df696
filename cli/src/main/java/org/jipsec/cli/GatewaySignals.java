package org.jipsec.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * The signals jipsecd handles, the same with and without a data plane ({@code --no-tun}): SIGHUP reloads
 * {@code --config}, SIGUSR1 prints the counters to stderr. (SIGTERM/SIGINT stop it through the shutdown hook.)
 *
 * <p>jdk.unsupported's {@code sun.misc.Signal} is the only way to handle them, and is reached by reflection: javac
 * warns "internal proprietary API" at every compile-time use, a warning no {@code @SuppressWarnings} or
 * {@code -Xlint} category silences ({@code -XDignore.symbol.file} works neither under {@code --release} nor in
 * Maven's in-process javac), and the Error Prone build fails on warnings. With no static reference jdeps does not
 * see jdk.unsupported, so dist/build-deb adds it to the runtime image by name.
 */
final class GatewaySignals {

    private GatewaySignals() {}

    /** Installs SIGHUP → {@code reload} and SIGUSR1 → {@code status}. */
    static void install(Runnable reload, Runnable status) {
        signal("HUP", reload);
        signal("USR1", status);
    }

    /** Installs a handler for a signal ({@code sun.misc.Signal.handle}); a missing one is only logged. */
    private static void signal(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(
                    handlerType.getClassLoader(), new Class<?>[] {handlerType}, (proxy, method, args) -> {
                        return switch (method.getName()) {
                            case "handle" -> {
                                action.run();
                                yield null;
                            }
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> args[0] == proxy;
                            default -> "SIG" + name + " handler";
                        };
                    });
            signal.getMethod("handle", signal, handlerType)
                    .invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
        } catch (InvocationTargetException e) { // unknown signal, or one the JVM uses itself
            unavailable(name, String.valueOf(e.getCause()));
        } catch (ReflectiveOperationException | RuntimeException e) { // no jdk.unsupported in the runtime image
            unavailable(name, e.toString());
        }
    }

    private static void unavailable(String name, String why) {
        System.getLogger("jipsec.gateway")
                .log(System.Logger.Level.ERROR, "jipsec gateway: no SIG" + name + " handler: " + why);
    }
}
