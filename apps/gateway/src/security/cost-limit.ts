import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';

/** GraphQL Armor's weights: a scalar field 1, an object field 2 plus 1.5 × its selection. */
const SCALAR_COST = 1;
const OBJECT_COST = 2;
const DEPTH_FACTOR = 1.5;

/**
 * Rejects operations whose estimated cost exceeds `maxCost`: each field weighed by the
 * selection under it, fragments counted at every spread. Unlike GraphQL Armor's cost rule,
 * a literal `first`/`last` does not multiply the cost: page sizes are the resolvers' to check
 * (BAD_USER_INPUT naming the argument), and a variable page size would escape it anyway.
 * Introspection (`__schema`, `__type`) is left to the depth limit and production's rule.
 */
export function costLimit(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentCost = new Map<string, number>();
    const costOf = (set: SelectionSetNode, inFragments: ReadonlySet<string>): number => {
      let cost = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === '__schema' || selection.name.value === '__type') continue;
          cost += selection.selectionSet
            ? OBJECT_COST + DEPTH_FACTOR * costOf(selection.selectionSet, inFragments)
            : SCALAR_COST;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          cost += costOf(selection.selectionSet, inFragments);
        } else {
          const name = selection.name.value;
          // A cycle is NoFragmentCyclesRule's to report; here it only must not recurse.
          if (inFragments.has(name)) continue;
          let known = fragmentCost.get(name);
          if (known === undefined) {
            const fragment = context.getFragment(name);
            known = fragment ? costOf(fragment.selectionSet, new Set([...inFragments, name])) : 0;
            fragmentCost.set(name, known);
          }
          cost += known;
        }
      }
      return cost;
    };
    return {
      OperationDefinition(node) {
        const cost = costOf(node.selectionSet, new Set());
        if (cost > maxCost) {
          context.reportError(
            new GraphQLError(`query cost ${cost} exceeds the limit of ${maxCost}`, { nodes: [node] }),
          );
        }
      },
    };
  };
}
