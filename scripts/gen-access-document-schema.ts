import { writeFileSync } from 'node:fs';
import { accessDocumentSchemaText } from '../src/wire/access-document.js';

writeFileSync(new URL('../docs/access-document.schema.json', import.meta.url), accessDocumentSchemaText());
