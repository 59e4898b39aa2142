/** The seeded PRNG lives in @jarvis/protocol (one copy for the simulator, the hub's tests and the protocol's fuzz runs). */
export { seededRng, type Rng } from '@jarvis/protocol';
