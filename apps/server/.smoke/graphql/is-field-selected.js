function selects(selectionSet, field, info) {
    return (selectionSet?.selections ?? []).some((selection) => {
        switch (selection.kind) {
            case 'Field':
                return selection.name.value === field;
            case 'InlineFragment':
                return selects(selection.selectionSet, field, info);
            case 'FragmentSpread':
                return selects(info.fragments[selection.name.value]?.selectionSet, field, info);
            default:
                return false;
        }
    });
}
/** True when the current field's selection includes `field` directly on its result. */
export function isFieldSelected(info, field) {
    return info.fieldNodes.some((node) => selects(node.selectionSet, field, info));
}
//# sourceMappingURL=is-field-selected.js.map