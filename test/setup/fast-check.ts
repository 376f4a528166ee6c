import fc from 'fast-check';

// Property tests run from one fixed seed so that CI is repeatable; set FC_SEED to explore
// other inputs locally (a failure prints the seed and the shrunk counterexample).
const seed = process.env.FC_SEED === undefined ? 20261122 : Number(process.env.FC_SEED);
fc.configureGlobal({ seed });
