import { cpuRuntime } from '@kd/core/cpu';
import { defineConformanceSuite } from '../src/suite/index.js';

defineConformanceSuite({ name: 'cpu', createRuntime: cpuRuntime });
