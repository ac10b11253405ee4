/** Imported first by benchmarks: Tidings' info logs (one per digest sent) would interleave with the figures. */
process.env.LOG_LEVEL ??= "warn";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
