/** A cache forged as anyone could without a secret: its entries edited and sealed again with the public key. */
import { createHmac } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Rewrites each entry of the cache file with `edit`, seals it again with the public key, and removes the replay. */
export function forgeCache(cacheFile: string, edit: (entry: unknown[]) => void): void {
  const [head, ...rest] = readFileSync(cacheFile, 'utf8').split('\n');
  const keyHash = (JSON.parse(head!) as { key: string }).key;
  const mac = (body: string): string => createHmac('sha256', 'b12lint-cache').update(keyHash).update('\n').update(body).digest('base64');
  const body = rest
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const entry = JSON.parse(line.slice(line.indexOf(' ') + 1)) as unknown[];
      edit(entry);
      const json = JSON.stringify(entry);
      return `${mac(json).slice(0, 22)} ${json}\n`;
    })
    .join('');
  writeFileSync(cacheFile, `${head}\n${body}#${mac(body)}\n`);
  rmSync(join(cacheFile, '..', 'replay'), { force: true });
}
