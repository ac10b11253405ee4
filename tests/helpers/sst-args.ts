/**
 * Every argument name sst.config.ts passes to an SST component, checked against the arguments that component
 * documents in the SST version deployed with: the `…Args` interfaces are parsed (TypeScript's own parser) from
 * the platform source embedded in the pinned SST CLI (scripts/sst-platform.ts). A misspelt name anywhere in the
 * args, nested ones included (`batch.sise`, `transform.eventSourceMaping`), is reported with its path.
 *
 * The raw Pulumi resources (`aws.*`) are not in SST's platform; their few arguments are listed below from the
 * Pulumi AWS provider's documentation.
 */
import ts from "typescript";
import { componentSource } from "../../scripts/sst-platform";

/** What the config calls, and where SST declares its arguments. */
export const SIGNATURES = {
  Dynamo: { type: "sst:aws:Dynamo", args: "DynamoArgs" },
  Queue: { type: "sst:aws:Queue", args: "QueueArgs" },
  "Queue.subscribe": { type: "sst:aws:Queue", args: "QueueSubscriberArgs" },
  SnsTopic: { type: "sst:aws:SnsTopic", args: "SnsTopicArgs" },
  "SnsTopic.subscribe": { type: "sst:aws:SnsTopic", args: "SnsTopicSubscriberArgs" },
  Email: { type: "sst:aws:Email", args: "EmailArgs" },
  ApiGatewayV2: { type: "sst:aws:ApiGatewayV2", args: "ApiGatewayV2Args" },
  "ApiGatewayV2.route": { type: "sst:aws:ApiGatewayV2", args: "ApiGatewayV2RouteArgs" },
  CronV2: { type: "sst:aws:CronV2", args: "CronV2Args" },
  Bucket: { type: "sst:aws:Bucket", args: "BucketArgs" },
  Function: { type: "sst:aws:Function", args: "FunctionArgs" },
} as const;

/** Arguments of the raw Pulumi resources the config creates (Pulumi AWS provider docs, v7). */
export const PULUMI_ARGS: Record<string, string[]> = {
  // https://www.pulumi.com/registry/packages/aws/api-docs/sns/topicpolicy/
  "aws.sns.TopicPolicy": ["arn", "policy", "region"],
  // https://www.pulumi.com/registry/packages/aws/api-docs/sns/topicsubscription/
  "aws.sns.TopicSubscription": [
    "endpoint",
    "protocol",
    "topic",
    "confirmationTimeoutInMinutes",
    "deliveryPolicy",
    "endpointAutoConfirms",
    "filterPolicy",
    "filterPolicyScope",
    "rawMessageDelivery",
    "redrivePolicy",
    "region",
    "replayPolicy",
    "subscriptionRoleArn",
  ],
  // https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/metricalarm/
  "aws.cloudwatch.MetricAlarm": [
    "comparisonOperator",
    "evaluationPeriods",
    "actionsEnabled",
    "alarmActions",
    "alarmDescription",
    "datapointsToAlarm",
    "dimensions",
    "evaluateLowSampleCountPercentiles",
    "extendedStatistic",
    "insufficientDataActions",
    "metricName",
    "metricQueries",
    "name",
    "namespace",
    "okActions",
    "period",
    "region",
    "statistic",
    "tags",
    "threshold",
    "thresholdMetricId",
    "treatMissingData",
    "unit",
  ],
};

type Shape = Map<string, ts.TypeNode | undefined>;

/** Interfaces and type aliases of one component's source, by name (the last declaration wins: nearest the component). */
function declarations(pulumiType: string) {
  const source = ts.createSourceFile(`${pulumiType}.ts`, componentSource(pulumiType), ts.ScriptTarget.Latest, true);
  const found = new Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>();
  const visit = (node: ts.Node) => {
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) found.set(node.name.text, node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const cache = new Map<string, ReturnType<typeof declarations>>();
const declared = (pulumiType: string) => {
  if (!cache.has(pulumiType)) cache.set(pulumiType, declarations(pulumiType));
  return cache.get(pulumiType)!;
};

/** Names that are declared in another component's file (FunctionArgs is imported by every component). */
const ELSEWHERE: Record<string, string> = { FunctionArgs: "sst:aws:Function" };

function members(list: ts.NodeArray<ts.TypeElement>, into: Shape, open: { value: boolean }) {
  for (const member of list) {
    if (ts.isIndexSignatureDeclaration(member)) open.value = true;
    else if ((ts.isPropertySignature(member) || ts.isMethodSignature(member)) && member.name) {
      into.set(member.name.getText(), ts.isPropertySignature(member) ? member.type : undefined);
    }
  }
}

/**
 * The object shapes a type allows (several for a union), or none when it is no object literal SST declares (a
 * string, a `Record`, a Pulumi type): then any value passes. `open` shapes take any key.
 */
function shapes(pulumiType: string, node: ts.TypeNode | undefined): Array<{ keys: Shape; open: boolean }> {
  if (!node) return [];
  if (ts.isParenthesizedTypeNode(node)) return shapes(pulumiType, node.type);
  if (ts.isUnionTypeNode(node)) return node.types.flatMap((t) => shapes(pulumiType, t));
  if (ts.isIntersectionTypeNode(node)) {
    // Every part's keys are allowed; a part declared elsewhere (`Dns & {}`) leaves the whole unchecked.
    const parts = node.types.map((t) => shapes(pulumiType, t));
    if (parts.some((part) => part.length === 0)) return [];
    const keys: Shape = new Map(parts.flat().flatMap((shape) => [...shape.keys]));
    return [{ keys, open: parts.flat().some((shape) => shape.open) }];
  }
  if (ts.isTypeLiteralNode(node)) {
    const keys: Shape = new Map();
    const open = { value: false };
    members(node.members, keys, open);
    return [{ keys, open: open.value }];
  }
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    if (["Input", "Prettify", "Partial"].includes(name)) return shapes(pulumiType, node.typeArguments?.[0]);
    return named(ELSEWHERE[name] ?? pulumiType, name);
  }
  return [];
}

/** The shapes of a declared interface (with what it extends) or type alias; none when SST doesn't declare it here. */
function named(pulumiType: string, name: string): Array<{ keys: Shape; open: boolean }> {
  const declaration = declared(pulumiType).get(name);
  if (!declaration) return [];
  if (ts.isTypeAliasDeclaration(declaration)) return shapes(pulumiType, declaration.type);
  const keys: Shape = new Map();
  const open = { value: false };
  members(declaration.members, keys, open);
  for (const heritage of declaration.heritageClauses ?? []) {
    for (const base of heritage.types) {
      const inherited = named(pulumiType, base.expression.getText());
      if (inherited.length === 0) open.value = true; // a base we cannot read: don't guess
      for (const shape of inherited) {
        for (const [key, type] of shape.keys) keys.set(key, type);
        open.value ||= shape.open;
      }
    }
  }
  return [{ keys, open: open.value }];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;

/** The element type of `T[]` / `Input<T>[]`, if the type is an array. */
function elementTypes(node: ts.TypeNode | undefined): ts.TypeNode[] {
  if (!node) return [];
  if (ts.isArrayTypeNode(node)) return [node.elementType];
  if (ts.isParenthesizedTypeNode(node)) return elementTypes(node.type);
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(elementTypes);
  if (ts.isTypeReferenceNode(node) && node.typeName.getText() === "Input") return elementTypes(node.typeArguments?.[0]);
  return [];
}

/** Every key of `value` not allowed by `type`, as paths (`batch.sise`). */
function unknownKeys(pulumiType: string, type: ts.TypeNode | undefined, value: unknown, path: string): string[] {
  if (Array.isArray(value)) {
    const elements = elementTypes(type);
    return elements.length
      ? value.flatMap((item, i) => unknownKeys(pulumiType, elements[0], item, `${path}[${i}]`))
      : [];
  }
  return unknownIn(pulumiType, shapes(pulumiType, type), value, path);
}

function unknownIn(pulumiType: string, allowed: ReturnType<typeof shapes>, value: unknown, path: string): string[] {
  if (!isPlainObject(value)) return [];
  if (allowed.length === 0 || allowed.some((shape) => shape.open)) return [];
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const at = path ? `${path}.${key}` : key;
    const matching = allowed.filter((shape) => shape.keys.has(key));
    if (matching.length === 0) problems.push(at);
    else problems.push(...unknownKeys(pulumiType, matching[0]!.keys.get(key), item, at));
  }
  return problems;
}

/** The argument paths of `args` that the component `kind` (a key of SIGNATURES or PULUMI_ARGS) does not document. */
export function undocumentedArgs(kind: string, args: unknown): string[] {
  if (kind in PULUMI_ARGS) {
    return isPlainObject(args) ? Object.keys(args).filter((key) => !PULUMI_ARGS[kind]!.includes(key)) : [];
  }
  const signature = SIGNATURES[kind as keyof typeof SIGNATURES];
  if (!signature) throw new Error(`no documented arguments known for ${kind}: add it to tests/helpers/sst-args.ts`);
  const shape = named(signature.type, signature.args);
  if (shape.length === 0) throw new Error(`SST's ${signature.type} declares no ${signature.args}: has SST changed?`);
  return unknownIn(signature.type, shape, args, "");
}
