"use strict";

const components = {
  page: { render: (props, children) => '<main class="' + props.theme + '">' + children.join("") + "</main>" },
  section: { render: (props, children) => "<section>" + children.join("") + "</section>" },
  row: { render: (props, children) => '<div class="row">' + children.join("") + "</div>" },
  money: {
    render: (props) =>
      new Intl.NumberFormat(props.locale, { style: "currency", currency: props.currency }).format(
        props.amount,
      ),
  },
  text: { render: (props) => String(props.value) },
};

function renderChildren(node, context, depth) {
  return (node.children || []).map(function renderChild(child) {
    return renderNode(child, context, depth + 1);
  });
}

function renderNode(node, context, depth) {
  const component = components[node.type];
  const children = renderChildren(node, context, depth);
  const props = Object.assign({ locale: context.locale, theme: context.theme }, node.props);
  return component.render(props, children);
}

function buildTree(depth, leaf) {
  if (depth === 0) {
    return leaf;
  }
  return { type: depth % 2 ? "section" : "row", props: {}, children: [buildTree(depth - 1, leaf)] };
}

function renderPage(statement, context) {
  const leaf = statement.broken
    ? { type: statement.widget, props: { value: statement.total } }
    : { type: "money", props: { amount: statement.total, currency: statement.currency } };
  const tree = { type: "page", props: {}, children: [buildTree(statement.depth, leaf)] };
  return renderNode(tree, context, 0);
}

module.exports = { renderPage };
