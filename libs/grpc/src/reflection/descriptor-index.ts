import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import {
  DescriptorProto,
  EnumDescriptorProto,
  FieldDescriptorProto,
  FileDescriptorProto,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';

/** One file of the descriptor set: its bytes exactly as buf wrote them, and what they say. */
export interface IndexedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly proto: FileDescriptorProto;
}

/**
 * The files of a FileDescriptorSet (as `buf build` writes it) that a server may describe, by
 * name, by the symbols they declare and by the extensions they define. Files are served as the
 * bytes buf produced, never re-encoded, so options such as google.api.http reach clients as the
 * extensions they are.
 */
export class DescriptorIndex {
  private readonly files = new Map<string, IndexedFile>();
  private readonly symbols = new Map<string, IndexedFile>();
  /** extendee (full name, no leading dot) → field number → the file defining the extension */
  private readonly extensions = new Map<string, Map<number, IndexedFile>>();
  private readonly messages = new Set<string>();

  private constructor(all: Map<string, IndexedFile>, roots: string[]) {
    for (const name of roots) this.include(all, name, []);
  }

  /**
   * An index of the files that define `roots` (file names) and every file they import,
   * transitively; fails when one of them is missing from the set.
   */
  static of(descriptorSet: Uint8Array, roots: string[]): DescriptorIndex {
    return new DescriptorIndex(readFiles(descriptorSet), roots);
  }

  /** The name of the file declaring each of `symbols` (fully qualified, no leading dot), in a set. */
  static filesDeclaring(descriptorSet: Uint8Array, symbols: string[]): string[] {
    const all = readFiles(descriptorSet);
    const everything = new DescriptorIndex(all, [...all.keys()]);
    return symbols.map((symbol) => {
      const file = everything.fileContainingSymbol(symbol);
      if (!file) throw new Error(`${symbol} is declared in none of the ${all.size} files of the proto descriptor set; regenerate it (npx nx run proto:generate)`);
      return file.name;
    });
  }

  fileByName(name: string): IndexedFile | undefined {
    return this.files.get(name);
  }

  fileContainingSymbol(symbol: string): IndexedFile | undefined {
    return this.symbols.get(symbol.replace(/^\./, ''));
  }

  fileContainingExtension(extendee: string, number: number): IndexedFile | undefined {
    return this.extensions.get(extendee.replace(/^\./, ''))?.get(number);
  }

  /** The extension numbers known for a message, or undefined when the message is not known. */
  extensionNumbersOf(message: string): number[] | undefined {
    const name = message.replace(/^\./, '');
    if (!this.messages.has(name)) return undefined;
    return [...(this.extensions.get(name)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** The file, then its imports (transitively, each once), as a reflection client needs them. */
  withDependencies(file: IndexedFile): IndexedFile[] {
    const out: IndexedFile[] = [];
    const seen = new Set<string>();
    const queue = [file];
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (seen.has(next.name)) continue;
      seen.add(next.name);
      out.push(next);
      for (const dependency of next.proto.dependency) queue.push(this.files.get(dependency)!);
    }
    return out;
  }

  private include(all: Map<string, IndexedFile>, name: string, importedBy: string[]): void {
    if (this.files.has(name)) return;
    const file = all.get(name);
    if (!file) {
      const via = importedBy.length > 0 ? ` (imported by ${importedBy.join(' ← ')})` : '';
      throw new Error(`${name} is not in the proto descriptor set${via}; regenerate it (npx nx run proto:generate)`);
    }
    this.files.set(name, file);
    this.indexFile(file);
    for (const dependency of file.proto.dependency) this.include(all, dependency, [name, ...importedBy]);
  }

  private indexFile(file: IndexedFile): void {
    const scope = file.proto.package ? `${file.proto.package}.` : '';
    const declare = (fullName: string) => {
      if (!this.symbols.has(fullName)) this.symbols.set(fullName, file);
    };
    const extension = (field: FieldDescriptorProto, fullName: string) => {
      declare(fullName);
      const extendee = field.extendee.replace(/^\./, '');
      let byNumber = this.extensions.get(extendee);
      if (!byNumber) this.extensions.set(extendee, (byNumber = new Map()));
      if (!byNumber.has(field.number)) byNumber.set(field.number, file);
    };
    const enumType = (type: EnumDescriptorProto, parentScope: string) => {
      declare(`${parentScope}${type.name}`);
      // enum values are siblings of their enum in protobuf's scoping
      for (const value of type.value) declare(`${parentScope}${value.name}`);
    };
    const message = (type: DescriptorProto, parentScope: string) => {
      const fullName = `${parentScope}${type.name}`;
      declare(fullName);
      this.messages.add(fullName);
      for (const field of type.field) declare(`${fullName}.${field.name}`);
      for (const oneof of type.oneofDecl) declare(`${fullName}.${oneof.name}`);
      for (const nested of type.nestedType) message(nested, `${fullName}.`);
      for (const nested of type.enumType) enumType(nested, `${fullName}.`);
      for (const field of type.extension) extension(field, `${fullName}.${field.name}`);
    };
    for (const type of file.proto.messageType) message(type, scope);
    for (const type of file.proto.enumType) enumType(type, scope);
    for (const field of file.proto.extension) extension(field, `${scope}${field.name}`);
    for (const service of file.proto.service) {
      declare(`${scope}${service.name}`);
      for (const method of service.method) declare(`${scope}${service.name}.${method.name}`);
    }
  }
}

/** The files of a serialized FileDescriptorSet (repeated FileDescriptorProto file = 1), each with its own bytes. */
function readFiles(descriptorSet: Uint8Array): Map<string, IndexedFile> {
  const files = new Map<string, IndexedFile>();
  const reader = new BinaryReader(descriptorSet);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field !== 1 || wireType !== WireType.LengthDelimited) {
      reader.skip(wireType);
      continue;
    }
    const bytes = reader.bytes();
    const proto = fromBinary(FileDescriptorProtoSchema, bytes);
    files.set(proto.name, { name: proto.name, bytes, proto });
  }
  return files;
}
