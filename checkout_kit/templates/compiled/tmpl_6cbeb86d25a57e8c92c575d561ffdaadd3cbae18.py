from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'refund.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    l_0_title = missing
    pass
    parent_template = environment.get_template('_layout.html', 'refund.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    l_0_title = 'Your refund'
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
    l_0_refund_amount = resolve('refund_amount')
    l_0_order = resolve('order')
    l_0_reference = resolve('reference')
    l_0_full = resolve('full')
    l_0_reason = resolve('reason')
    l_0_refunded_total = resolve('refunded_total')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">We refunded '
    yield escape(t_1(context, (undefined(name='refund_amount') if l_0_refund_amount is missing else l_0_refund_amount), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield '</h1>\n<p style="margin:0;color:#5b6275;">Order '
    yield escape((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    if (undefined(name='full') if l_0_full is missing else l_0_full):
        pass
        yield ' · refunded in full'
    yield '</p>\n'
    if (undefined(name='reason') if l_0_reason is missing else l_0_reason):
        pass
        yield '<p>Reason: '
        yield escape((undefined(name='reason') if l_0_reason is missing else l_0_reason))
        yield '</p>'
    yield '<p>Refunded so far: <strong>'
    yield escape(t_1(context, (undefined(name='refunded_total') if l_0_refunded_total is missing else l_0_refunded_total), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield '</strong> of '
    yield escape(t_1(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield '. The money goes back to the card or account you paid with; banks usually show it within 5 to 10 days.</p>\n'
    if (undefined(name='full') if l_0_full is missing else l_0_full):
        pass
        yield '<p>Downloads and unused tickets of this order no longer work.</p>'

blocks = {'body': block_body}
debug_info = '1=13&2=16&3=21&4=42&5=44&6=49&7=55&8=59'