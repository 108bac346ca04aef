from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'merchant_order.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'merchant_order.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'New order'
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
    l_0_reference = resolve('reference')
    l_0_order = resolve('order')
    l_0_to_ship = missing
    try:
        t_1 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_2 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">New order '
    yield escape((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield '</h1>\n<p style="margin:0;color:#5b6275;">'
    yield escape(('Live' if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'livemode') else 'Test mode'))
    yield ' · '
    yield escape((environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name') or '—'))
    yield ' &lt;'
    yield escape((environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_email') or 'no email'))
    yield '&gt;'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'client_reference_id'):
        pass
        yield ' · reference '
        yield escape(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'client_reference_id'))
    yield '</p>\n'
    template = environment.get_template('_items.html', 'merchant_order.html')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'to_ship': l_0_to_ship}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    l_0_to_ship = t_1(context.eval_ctx, t_2(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'), 'fulfillment_type', 'equalto', 'shipment'))
    _block_vars['to_ship'] = l_0_to_ship
    if (undefined(name='to_ship') if l_0_to_ship is missing else l_0_to_ship):
        pass
        yield '<p><strong>To ship</strong></p>\n<ul>'
        for l_1_item in (undefined(name='to_ship') if l_0_to_ship is missing else l_0_to_ship):
            _loop_vars = {}
            pass
            yield '<li>'
            yield escape(environment.getattr(l_1_item, 'quantity'))
            yield ' × '
            yield escape(environment.getattr(l_1_item, 'description'))
            yield '</li>'
        l_1_item = missing
        yield '</ul>\n<p style="color:#5b6275;font-size:13px;">When it has left: <code>python -m checkout_kit orders ship '
        yield escape((undefined(name='reference') if l_0_reference is missing else l_0_reference))
        yield ' --carrier NAME --tracking NUMBER</code></p>\n'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'):
        pass
        yield '<p><strong>Ship to</strong><br>'
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
        if environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'state'):
            pass
            yield ', '
            yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'state'))
        yield '<br>'
        yield escape(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'country'))
        yield '</p>\n'
    yield '<p style="color:#5b6275;font-size:13px;">Checkout Session '
    yield escape(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'session_id'))
    yield '</p>\n'

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&4=45&5=47&6=58&7=64&8=66&10=69&11=79&13=81&14=84&16=103'