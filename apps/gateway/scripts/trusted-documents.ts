// Writes the trusted-document manifest (packages/contracts/src/trusted-documents.ts) from the console's
// operations; run after changing an operation in apps/web (console-operations.test.ts says when).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { consoleOperations, trustedDocumentsFile, trustedDocumentsModule } from '../test/console-operations';

const { operations } = await consoleOperations();
writeFileSync(trustedDocumentsFile, await trustedDocumentsModule(operations));
console.log(
  `${operations.length} console operations → ${path.relative(process.cwd(), trustedDocumentsFile)}`,
);
