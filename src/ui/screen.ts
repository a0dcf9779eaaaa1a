// The terminal's alternate screen for the dashboard: entered on start, and left on every way out, a crash included.

const ENTER = '\u001B[?1049h\u001B[H';
const LEAVE = '\u001B[?1049l';

/**
 * Switches `stream` to the alternate screen; the returned function switches back (once, however often it is
 * called). It is also called when the process exits, so an uncaught exception or `process.exit` elsewhere still
 * gives the user's shell its screen back.
 * @example const leave = enterAlternateScreen(process.stdout); try { await app.waitUntilExit(); } finally { leave(); }
 */
export function enterAlternateScreen(stream: NodeJS.WriteStream): () => void {
  if (!stream.isTTY) return () => undefined;
  stream.write(ENTER);
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    process.off('exit', leave);
    stream.write(LEAVE);
  };
  process.on('exit', leave);
  return leave;
}
