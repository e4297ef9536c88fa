// Debian's Chromium, as every browser run here starts it (CHROMIUM_PATH overrides the path on other machines).
export const chromium_launch_options = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
};
