from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'payment_failed.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'payment_failed.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Payment failed'
    context.vars['title'] = l_0_title
    context.exported_vars.add('title')
    yield from parent_template.root_render_func(context)

def block_body(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_order = resolve('order')
    l_0_reference = resolve('reference')
    l_0_site_url = resolve('site_url')
    l_0_shop = resolve('shop')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Your payment did not go through</h1>\n<p>Your bank payment of <strong>'
    yield escape(t_1(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield '</strong> for order '
    yield escape((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield ' failed, so the order is not complete and nothing was charged.</p>\n<ul>'
    for l_1_item in environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'):
        _loop_vars = {}
        pass
        yield '<li>'
        yield escape(environment.getattr(l_1_item, 'quantity'))
        yield ' × '
        yield escape(environment.getattr(l_1_item, 'description'))
        yield '</li>'
    l_1_item = missing
    yield '</ul>\n<p><a href="'
    yield escape((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/" style="display:inline-block;background:'
    yield escape(environment.getattr((undefined(name='shop') if l_0_shop is missing else l_0_shop), 'accent'))
    yield ';color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none;">Order again</a></p>\n'

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&5=40&6=44&7=54'