/** Someone can answer a question: stdin and stderr (where prompts are drawn) are both terminals. */
export function canPrompt(stdin: { isTTY?: boolean } = process.stdin, stderr: { isTTY?: boolean } = process.stderr): boolean {
  return stdin.isTTY === true && stderr.isTTY === true;
}
