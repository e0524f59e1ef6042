package ai.mint.connect;

/** The version every connector, task and converter of the plugin reports to Connect. */
public final class PluginVersion {

    /** From the jar's manifest when built by Maven, else the project's version. */
    public static final String VERSION = PluginVersion.class.getPackage().getImplementationVersion() == null
            ? "0.1.0" : PluginVersion.class.getPackage().getImplementationVersion();

    private PluginVersion() {
    }
}
