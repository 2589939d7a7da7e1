import { browserRuntime } from '@kd/browser';
import { defineConformanceSuite } from '../src/suite/index.js';

defineConformanceSuite({ name: 'webgl-chromium', createRuntime: () => browserRuntime() });
