import { join } from 'node:path';
import type { JarvisConfig } from '../config/index.js';
import type { Logger } from '../core/index.js';
import { findModel, loadCatalogue } from './models/catalogue.js';
import { modelPath, modelsDir, requireModel } from './models/store.js';

/**
 * The whisper model file the `stt` section names: `whisperPath`, else the catalogue model in `<dataDir>/models`.
 * A missing file or an unknown name is logged with how to fix it; the path is still returned (the engine then
 * stays off and says so).
 */
export function whisperModelFile(
  stt: JarvisConfig['stt'],
  dataDir: string,
  catalogueFile: JarvisConfig['modelCatalogue'],
  log: Logger,
): { path: string; name: string } {
  if (stt.whisperPath) return { path: stt.whisperPath, name: stt.whisperModel };
  const dir = modelsDir(dataDir);
  try {
    const entry = findModel(loadCatalogue(catalogueFile), stt.whisperModel);
    const found = requireModel(dir, entry, 'whisper transcription');
    if ('off' in found) log.warn(found.off);
    return { path: 'path' in found ? found.path : modelPath(dir, entry), name: entry.name };
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'whisper transcription is off: stt.whisperModel names no catalogue model');
    return { path: join(dir, `${stt.whisperModel}.bin`), name: stt.whisperModel };
  }
}
