import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Parses a PDF with pdf-parse (pdf.js) in a separate Node process: pdf.js
 * loads its worker with a dynamic import, which jest's module sandbox refuses.
 * Resolves the text and page count; rejects when the file does not parse.
 */
export async function pdfText(
  data: ArrayBuffer | Buffer,
): Promise<{ text: string; pages: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-pdf-'));
  const file = join(dir, 'document.pdf');
  writeFileSync(file, Buffer.from(data as ArrayBuffer));
  const script = `
    const { PDFParse } = require('pdf-parse');
    const data = require('node:fs').readFileSync(process.argv[1]);
    const parser = new PDFParse({ data });
    parser.getText().then(
      (r) => { process.stdout.write(JSON.stringify({ text: r.text, pages: r.total })); return parser.destroy(); },
      (e) => { process.stderr.write(String(e && e.message)); process.exit(1); },
    );`;
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['-e', script, file],
        { cwd: process.cwd(), timeout: 30_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`PDF did not parse: ${stderr || error.message}`));
          else resolve(JSON.parse(stdout) as { text: string; pages: number });
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
