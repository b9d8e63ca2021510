// Whether tests that start their own local (JVM) brokers can run: on a laptop with Docker but no Java they are
// left out, so `npm test` still runs there; CI sets KTOOL_REQUIRE_JAVA=1 so a missing Java fails them instead.
import { spawnSync } from 'node:child_process';

export const javaAvailable = spawnSync('java', ['-version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

/** True when the local-broker tests must run: Java is here, or CI demands it. */
export const runLocalStackTests = javaAvailable || process.env.KTOOL_REQUIRE_JAVA === '1';
