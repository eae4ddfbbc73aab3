// Reads write-policy --fmt cdk output back with the TypeScript compiler,
// for TestCDKTypeScript: node readback.js TYPESCRIPT_JS STUB_D_TS FILE.ts...
// type-checks the files as one program and prints, as JSON, for each file
// {"diagnostics": [...], "policies": [{"function", "statements"}],
// "managed": [{"id", "function"}]}. The statements are rebuilt as
// IAM JSON from the syntax tree: PolicyStatementProps become elements,
// iam.Effect.X its value, PolicyStatement.fromJson's argument as it is.
'use strict';
const [tsPath, stubPath, ...files] = process.argv.slice(2);
const ts = require(tsPath);

const options = {
  strict: true, noEmit: true, target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.CommonJS, lib: ['lib.es2020.d.ts'], types: [],
};
const program = ts.createProgram([...files, stubPath], options);
let source;

function fail(node, what) {
  throw new Error(what + ' at ' + (source.getLineAndCharacterOfPosition(node.getStart()).line + 1) + ': ' + node.getText());
}

// value evaluates a literal expression: strings, numbers, booleans, null,
// arrays, objects, iam.Effect.X.
function value(node) {
  switch (node.kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      return node.text;
    case ts.SyntaxKind.NumericLiteral:
      return Number(node.text);
    case ts.SyntaxKind.TrueKeyword:
      return true;
    case ts.SyntaxKind.FalseKeyword:
      return false;
    case ts.SyntaxKind.NullKeyword:
      return null;
    case ts.SyntaxKind.ArrayLiteralExpression:
      return node.elements.map(value);
    case ts.SyntaxKind.ObjectLiteralExpression: {
      const out = {};
      for (const p of node.properties) {
        if (!ts.isPropertyAssignment(p)) fail(p, 'not a property assignment');
        out[p.name.text] = value(p.initializer);
      }
      return out;
    }
    case ts.SyntaxKind.PropertyAccessExpression: {
      const t = node.getText();
      if (t === 'iam.Effect.ALLOW') return 'Allow';
      if (t === 'iam.Effect.DENY') return 'Deny';
    }
  }
  fail(node, 'not a literal');
}

const elements = {
  sid: 'Sid', effect: 'Effect', actions: 'Action', notActions: 'NotAction',
  resources: 'Resource', notResources: 'NotResource', conditions: 'Condition',
};

function statement(node) {
  if (ts.isNewExpression(node) && node.expression.getText() === 'iam.PolicyStatement') {
    const props = value(node.arguments[0]);
    const out = {};
    for (const [k, v] of Object.entries(props)) {
      if (!elements[k]) fail(node, 'unknown property ' + k);
      out[elements[k]] = v;
    }
    return out;
  }
  if (ts.isCallExpression(node) && node.expression.getText() === 'iam.PolicyStatement.fromJson') {
    return value(node.arguments[0]);
  }
  fail(node, 'not a policy statement');
}

function returned(fn) {
  const ret = fn.body.statements.find(ts.isReturnStatement);
  if (!ret || !ts.isArrayLiteralExpression(ret.expression)) fail(fn, 'no returned array');
  return ret.expression.elements;
}

const result = {};
for (const file of files) {
  source = program.getSourceFile(file);
  const diagnostics = ts.getPreEmitDiagnostics(program, source).map((d) => {
    const where = d.file ? d.file.fileName + ':' + (d.file.getLineAndCharacterOfPosition(d.start).line + 1) : '';
    return where + ': ' + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
  const policies = [];
  let managed = null;
  for (const st of source.statements) {
    if (!ts.isFunctionDeclaration(st)) continue;
    const name = st.name.text;
    if (name === 'addManagedPolicies') {
      managed = returned(st).map((e) => {
        if (!ts.isNewExpression(e) || e.expression.getText() !== 'iam.ManagedPolicy') fail(e, 'not a ManagedPolicy');
        const props = e.arguments[2];
        const stmts = props.properties.find((p) => p.name.text === 'statements');
        return { id: value(e.arguments[1]), function: stmts.initializer.expression.getText() };
      });
    } else {
      policies.push({ function: name, statements: returned(st).map(statement) });
    }
  }
  result[file] = { diagnostics, policies, managed };
}
process.stdout.write(JSON.stringify(result));
