// Imported first by every bin (cmd/*.ts): on Node 22.1+ the modules compiled after this one, kafkajs above all (loaded
// only when a command needs it), are cached on disk by module.enableCompileCache(), so the next start skips compiling
// them. Node 20 has no such function (feature check); NODE_DISABLE_COMPILE_CACHE=1 turns it off, as Node documents.
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
