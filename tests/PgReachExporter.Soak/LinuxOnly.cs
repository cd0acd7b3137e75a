// The soak reads /proc, signals postmasters and runs runuser: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
