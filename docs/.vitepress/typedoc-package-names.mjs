// @ts-check
// TypeDoc names each entry point after its path ("core/src", "core/src/cpu"); readers import
// packages, so the reference is organised by the names they type ("@kd/core", "@kd/core/cpu").
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const renamed = module.name.replace(/^([^/]+)\/src(?=\/|$)/, '@kd/$1');
      if (renamed === module.name) throw new Error(`typedoc entry point "${module.name}" is not under packages/*/src`);
      module.name = renamed;
    }
  });
}
