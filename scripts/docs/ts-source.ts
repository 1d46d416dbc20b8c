// Reads the wire types out of the TypeScript source, so the docs list the frames and fields the code has,
// not the ones someone remembered to write down.
import { readFileSync } from "node:fs";
import ts from "typescript";

export interface Field {
  name: string;
  optional: boolean;
  type: string;
}

export interface UnionMember {
  /** The value of the discriminant (`op`, `type`), e.g. "subscribe". */
  tag: string;
  fields: Field[];
  /** Named types intersected in (the event frame carries a HubEvent). */
  spreads: string[];
}

function sourceOf(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
}

function findAlias(source: ts.SourceFile, name: string): ts.TypeNode {
  for (const statement of source.statements) {
    if (ts.isTypeAliasDeclaration(statement) && statement.name.text === name) return statement.type;
  }
  throw new Error(`${source.fileName}: no type alias ${name}`);
}

const fieldsOf = (node: ts.TypeLiteralNode | ts.InterfaceDeclaration, source: ts.SourceFile): Field[] =>
  node.members.filter(ts.isPropertySignature).map((m) => ({
    name: m.name.getText(source),
    optional: m.questionToken !== undefined,
    type: m.type ? m.type.getText(source).replace(/\s+/g, " ") : "unknown",
  }));

/** A union of string literals: `type GapReason = "a" | "b"`. */
export function literalUnion(file: string, name: string): string[] {
  const node = findAlias(sourceOf(file), name);
  if (!ts.isUnionTypeNode(node)) throw new Error(`${name} is not a union`);
  return node.types.map((t) => {
    if (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)) return t.literal.text;
    throw new Error(`${name}: a member is not a string literal`);
  });
}

/** A discriminated union of object types, each member tagged by `discriminant`. */
export function taggedUnion(file: string, name: string, discriminant: string): UnionMember[] {
  const source = sourceOf(file);
  const node = findAlias(source, name);
  if (!ts.isUnionTypeNode(node)) throw new Error(`${name} is not a union`);
  return node.types.map((member) => {
    const parts = ts.isParenthesizedTypeNode(member) ? [member.type] : [member];
    const flat = parts.flatMap((p) => (ts.isIntersectionTypeNode(p) ? [...p.types] : [p]));
    const literal = flat.find(ts.isTypeLiteralNode);
    if (!literal) throw new Error(`${name}: a member has no object type`);
    const all = fieldsOf(literal, source);
    const tag = all.find((f) => f.name === discriminant);
    if (!tag) throw new Error(`${name}: a member has no ${discriminant}`);
    return {
      tag: JSON.parse(tag.type) as string,
      fields: all.filter((f) => f !== tag),
      spreads: flat.filter(ts.isTypeReferenceNode).map((r) => r.getText(source)),
    };
  });
}

/** The properties of an interface, with their doc comments. */
export function interfaceFields(file: string, name: string): (Field & { doc: string })[] {
  const source = sourceOf(file);
  const node = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!node) throw new Error(`${file}: no interface ${name}`);
  const docs = node.members.filter(ts.isPropertySignature).map((m) =>
    ts
      .getJSDocCommentsAndTags(m)
      .map((d) => (typeof d.comment === "string" ? d.comment : ""))
      .join(" "),
  );
  return fieldsOf(node, source).map((f, i) => ({ ...f, doc: docs[i] ?? "" }));
}
