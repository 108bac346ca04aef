from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'receipt.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'receipt.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Your receipt'
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
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">Thank you for your order'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'):
        pass
        yield ', '
        yield escape(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'))
    yield '!</h1>\n<p style="margin:0;color:#5b6275;">Order '
    yield escape((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield '</p>\n'
    template = environment.get_template('_items.html', 'receipt.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    template = environment.get_template('_fulfillment.html', 'receipt.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield '<p style="margin:16px 0 0;color:#5b6275;font-size:13px;">Your order page has everything you bought, with fresh links: <a href="'
    yield escape((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/orders.html">'
    yield escape((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/orders.html</a>.</p>\n'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'):
        pass
        yield '<p style="margin:16px 0 0;"><strong>Shipping to</strong><br>'
        yield escape(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'name'))
        yield '<br>'
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line1'))
        if environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'):
            pass
            yield ', '
            yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'))
        yield '<br>'
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'postal_code'))
        yield ' '
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'city'))
        yield ', '
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'country'))
        yield '</p>\n'

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&4=33&5=38&6=40&7=46&8=53&9=57&10=60'