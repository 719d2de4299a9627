import { Controller, Get } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Grove's version from package.json, read once; both the api and engine revisions report it. */
const REVISION = (() => {
  for (const dir of [process.cwd(), join(__dirname, '../../../../..')]) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      /* try the next place */
    }
  }
  return '1.0';
})();

@Controller('v1/build-info')
export class BuildInfoController {
  @Get()
  show() {
    return { build_info: { api: { revision: REVISION }, engine: { revision: REVISION } } };
  }
}
