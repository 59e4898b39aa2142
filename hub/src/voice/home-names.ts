import type { HomeAssistantClient, RegistrySnapshot } from '../home-assistant/index.js';
import { namesFromRegistry, type GrammarNames } from '../stt/index.js';

/** The names of the user's home for the command grammar and whisper's prompt, following HA's registry. */
export interface HomeNames {
  current(): GrammarNames | undefined;
  subscribe(listener: (names: GrammarNames) => void): () => void;
}

/** Home names from Home Assistant's registry; undefined with HA off (timers, time and date still work). */
export function homeNames(client: HomeAssistantClient | undefined): HomeNames | undefined {
  if (!client) return undefined;
  return {
    current: () => {
      const snap = client.snapshot();
      return snap ? namesFromRegistry(snap) : undefined;
    },
    subscribe: (listener) => {
      const onRegistry = (snap: RegistrySnapshot | undefined): void => {
        if (snap) listener(namesFromRegistry(snap));
      };
      client.on('registry', onRegistry);
      return () => void client.off('registry', onRegistry);
    },
  };
}
