import type { CommandInterceptor } from '../voice/index.js';
import type { MemoryService } from './memory-service.js';
import { parseMemoryCommand, speakBack } from './parse.js';

/**
 * The memory's spoken commands, taken before the router like "forget the last N minutes":
 * JarvisRemember ("remember that …"), JarvisRecall ("where is my car parked?"), JarvisForgetFact
 * ("forget what I said about the car"), a short correction ("actually it's level 4") and a whole fact said
 * again ("actually the spare key is in the blue pot", taken only when it corrects a fact). A question
 * the memory cannot answer goes on to the router unless it plainly asks the memory (then "I don't know").
 */
export function memoryCommand(memory: MemoryService): CommandInterceptor {
  return async (text, _normalized, origin) => {
    const command = parseMemoryCommand(text);
    if (!command) return undefined;
    const decidedAt = Date.now();
    const where = { deviceId: origin.deviceId, area: origin.area };
    const done = (intent: 'JarvisRemember' | 'JarvisRecall' | 'JarvisForgetFact', slots: Record<string, string | number>, reply: string, ok = true) => ({
      decision: { intent, slots, path: 'hot' as const, tier: 0 as const, confidence: 1, targets: [], action: intent === 'JarvisRecall' ? 'recall' : intent === 'JarvisForgetFact' ? 'forget fact' : 'remember' },
      result: { ok, reply, calls: [] },
      decidedAt,
      executedAt: Date.now(),
    });
    switch (command.kind) {
      case 'remember': {
        const { fact, replaced } = memory.remember(command.content, where);
        return done('JarvisRemember', { fact: fact.text }, replaced ? `Okay, I changed it: ${speakBack(fact.text)}.` : `Okay, I'll remember that ${speakBack(fact.text)}.`);
      }
      case 'correct': {
        const corrected = memory.correct(command.value, where);
        if (!corrected) return done('JarvisRemember', { fact: command.value }, "I'm not sure what to correct. Say it again in full.", false);
        return done('JarvisRemember', { fact: corrected.fact.text }, `Okay, I changed it: ${speakBack(corrected.fact.text)}.`);
      }
      case 'restate': {
        const restated = memory.restate(command.statement, where);
        if (!restated) return undefined;
        return done('JarvisRemember', { fact: restated.fact.text }, `Okay, I changed it: ${speakBack(restated.fact.text)}.`);
      }
      case 'forget': {
        const gone = memory.forgetAbout(command.topic, where);
        return done('JarvisForgetFact', { topic: command.topic, forgotten: gone.length }, gone.length === 0 ? `I had nothing about ${speakBack(command.topic)}.` : `Okay, I forgot what you told me about ${speakBack(command.topic)}.`);
      }
      case 'recall': {
        const hit = memory.recall(command.question, where);
        if (hit) return done('JarvisRecall', { question: command.question, fact: hit.fact.text }, `You told me ${speakBack(hit.fact.text)}.`);
        if (!command.explicit) return undefined;
        return done('JarvisRecall', { question: command.question }, "I don't know. You haven't told me.");
      }
    }
  };
}
