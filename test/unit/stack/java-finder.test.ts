// Which Java the registry gets: versions read from release files and `java -version`, candidates in order.
import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findJava, javaCandidates, javaVersion, parseJavaVersion } from '../../../lib/stack/java-finder.js';

describe('parseJavaVersion', () => {
  it('reads release files and -version output, old and new numbering', () => {
    expect(parseJavaVersion('IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="25.0.3"\n')).toBe(25);
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaVersion('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaVersion('no version here')).toBeUndefined();
  });
});

describe('findJava', () => {
  it('takes JAVA_HOME first when it is new enough, and skips it when it is not', () => {
    const home = mkdtempSync(join(tmpdir(), 'java-home-'));
    mkdirSync(join(home, 'bin'));
    const bin = join(home, 'bin', 'java');
    writeFileSync(bin, '#!/bin/sh\necho \'openjdk version "21.0.1"\' >&2\n');
    chmodSync(bin, 0o755);
    writeFileSync(join(home, 'release'), 'JAVA_VERSION="21.0.1"\n');
    expect(javaCandidates({ JAVA_HOME: home })[0]).toBe(bin);
    expect(javaVersion(bin)).toBe(21);
    expect(findJava(21, { JAVA_HOME: home })).toEqual({ bin, version: 21 });
    const found = findJava(99, { JAVA_HOME: home });
    expect(found).toBeUndefined();
    expect(javaCandidates({ KSTACK_REGISTRY_JAVA_HOME: '/opt/jdk25', JAVA_HOME: home }).slice(0, 2)).toEqual(['/opt/jdk25/bin/java', bin]);
  });
});
